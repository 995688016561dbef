/** Remembered decisions (role lists without conditions) must equal decisions taken afresh. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile-policy.js';
import { decide } from './decide.js';
import { defaultPolicyDocument } from './default-policy.js';
import { ACTIONS } from './policy-types.js';

const document = {
  version: 1,
  purposes: ['support', 'billing'],
  roles: {
    plain: {
      rules: [
        { effect: 'allow', actions: ['read', 'search'], resources: ['collections/**'], redaction: 'masked' },
      ],
    },
    billing: {
      rules: [
        {
          effect: 'allow',
          actions: ['read'],
          resources: ['collections/*/fields/email'],
          redaction: 'plain',
          purposes: ['billing'],
        },
        { effect: 'deny', actions: ['read'], resources: ['collections/*/fields/ssn'] },
      ],
    },
  },
};

describe('remembered decisions', () => {
  it('equal fresh decisions, for every action, path, sensitivity and purpose', () => {
    const remembered = compilePolicy(document);
    const defaults = compilePolicy(defaultPolicyDocument());
    fc.assert(
      fc.property(
        fc.constantFrom(...ACTIONS),
        fc.constantFrom(
          'collections/p',
          'collections/p/fields/email',
          'collections/p/fields/ssn',
          'tokens/ssn',
          'audit',
        ),
        fc.boolean(),
        fc.constantFrom(undefined, 'support', 'billing', 'marketing'),
        fc.subarray(['plain', 'billing', 'admin', 'user']),
        (action, path, sensitive, purpose, roles) => {
          const actor = { id: 'u1', subject: '', roles };
          const context = purpose === undefined ? {} : { purpose };
          for (const [policy, source] of [
            [remembered, document],
            [defaults, defaultPolicyDocument()],
          ] as const) {
            const first = decide(policy, actor, action, { path, sensitive }, context);
            const again = decide(
              policy,
              actor,
              action,
              { path, sensitive, record: { created_by: 'u1' } },
              context,
            );
            const fresh = decide(
              compilePolicy(source),
              actor,
              action,
              { path, sensitive, record: { created_by: 'u1' } },
              context,
            );
            expect(again).toEqual(fresh);
            if (!roles.includes('user')) expect(first).toEqual(fresh);
          }
        },
      ),
    );
  });
});
