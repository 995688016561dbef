import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { compilePolicy } from './compile-policy.js';

const rules = [{ effect: 'allow', actions: ['read'], resources: ['collections/**'] }];
const withQuotas = (quotas: unknown) => ({
  version: 1,
  purposes: ['support'],
  roles: { analyst: { rules, quotas }, user: { rules } },
});

function compileError(document: unknown): { field: string; message: string } {
  try {
    compilePolicy(document);
  } catch (error) {
    if (!isAppError(error, 'VALIDATION_FAILED')) throw error;
    return { field: error.field ?? '', message: error.message };
  }
  throw new Error('expected the document to be rejected');
}

describe('role quotas in the policy document', () => {
  it('compiles the groups a role sets, frozen, and none for a role that sets none', () => {
    const policy = compilePolicy(
      withQuotas({ detokenize: { capacity: 20, per_minute: 2 }, reveal: { capacity: 50, per_minute: 5 } }),
    );
    expect(policy.quotas.get('analyst')).toEqual({
      detokenize: { capacity: 20, perMinute: 2 },
      reveal: { capacity: 50, perMinute: 5 },
    });
    expect(policy.quotas.get('user')).toEqual({});
    expect(Object.isFrozen(policy.quotas.get('analyst'))).toBe(true);
    expect(Object.isFrozen(policy.quotas.get('analyst')?.detokenize)).toBe(true);
  });

  it.each([
    ['not an object', [], '$.roles.analyst.quotas'],
    ['an unknown group', { everything: { capacity: 1, per_minute: 1 } }, '$.roles.analyst.quotas'],
    ['the per-address auth group', { auth: { capacity: 1, per_minute: 1 } }, '$.roles.analyst.quotas'],
    ['an unknown key', { reads: { capacity: 1, per_minute: 1, burst: 2 } }, '$.roles.analyst.quotas.reads'],
    ['a missing capacity', { reads: { per_minute: 1 } }, '$.roles.analyst.quotas.reads.capacity'],
    ['a zero refill', { reads: { capacity: 1, per_minute: 0 } }, '$.roles.analyst.quotas.reads.per_minute'],
    ['a fraction', { reads: { capacity: 1.5, per_minute: 1 } }, '$.roles.analyst.quotas.reads.capacity'],
    ['a string', { reads: { capacity: '10', per_minute: 1 } }, '$.roles.analyst.quotas.reads.capacity'],
    ['too large', { reads: { capacity: 1_000_001, per_minute: 1 } }, '$.roles.analyst.quotas.reads.capacity'],
  ])('refuses %s, naming the path', (_name, quotas, field) => {
    expect(compileError(withQuotas(quotas)).field).toBe(field);
  });
});
