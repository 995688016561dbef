import { describe, expect, it } from 'vitest';
import { analyzePolicy } from './analyze-policy.js';
import { compilePolicy } from './compile-policy.js';

const policyOf = (resources: string[], effect: 'allow' | 'deny' = 'allow') =>
  compilePolicy({
    version: 1,
    purposes: ['support'],
    roles: { ops: { rules: [{ effect, actions: ['read'], resources }] } },
  });

describe('analyzePolicy: wildcard grants', () => {
  it.each([['**'], ['*/**'], ['*/*/**']])(
    'reports %s: no fixed segment, every resource of its depth',
    (pattern) => {
      expect(analyzePolicy(policyOf([pattern])).wildcardGrants).toEqual([{ role: 'ops', rule: 0 }]);
    },
  );

  it.each([['collections/**'], ['*/customers/**'], ['collections/*'], ['*']])(
    'leaves %s alone: a fixed segment or no **',
    (pattern) => {
      expect(analyzePolicy(policyOf([pattern])).wildcardGrants).toEqual([]);
    },
  );

  it('reports allow rules only', () => {
    expect(analyzePolicy(policyOf(['**'], 'deny')).wildcardGrants).toEqual([]);
  });
});
