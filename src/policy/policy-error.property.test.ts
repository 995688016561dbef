/**
 * Finding: error messages quoted client-chosen keys. For a random secret (an API key, a JWT, a card number, an
 * SSN, a key behind a decoy prefix) used as a role name, a condition attribute, an operator or any other key of a
 * policy document, no error message or field contains it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardNumberArb, jwtArb, opaqueTokenArb } from '../../packages/redact/test/secret-arbitraries.js';
import { isAppError } from '../errors.js';
import { compilePolicy } from './compile-policy.js';
import { POLICY_LIMITS } from './policy-types.js';

const secretKeyArb = fc.oneof(
  opaqueTokenArb,
  opaqueTokenArb.map((key) => `srk_${'A'.repeat(46)}${key}`),
  jwtArb,
  cardNumberArb,
  fc.constantFrom('123-45-6789', 'jane.roe@example.com', '4242424242424242'),
);

const rule = { effect: 'allow', actions: ['read'], resources: ['collections/*'] };
const doc = (roles: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: 1,
  purposes: ['support'],
  roles,
  ...extra,
});

/** Documents with `key` in one client-chosen place and an error at or below it. */
const placements: Array<(key: string) => unknown> = [
  (key) => doc({}, { [key]: 1 }),
  (key) => doc({ [key]: { rules: 'not a list' } }),
  (key) => doc({ [key]: { rules: [{ ...rule, effect: 'maybe' }] } }),
  (key) => doc({ [key]: { rules: [], [key]: 1 } }),
  (key) => doc({ [key]: { rules: [], quotas: { reads: { capacity: 0, per_minute: 1 } } } }),
  (key) => doc({ nurse: { rules: [{ ...rule, [key]: 1 }] } }),
  (key) => doc({ nurse: { rules: [{ ...rule, condition: { [key]: 'not an object' } }] } }),
  (key) => doc({ nurse: { rules: [{ ...rule, condition: { [key]: { equals: 'x', [key]: 1 } } }] } }),
  (key) => doc({ nurse: { rules: [{ ...rule, condition: { [key]: { equals: '$actor.nope' } } }] } }),
  (key) =>
    doc({
      nurse: {
        rules: [{ ...rule, condition: { [key]: { equals: 'x'.repeat(POLICY_LIMITS.literalLength + 1) } } }],
      },
    }),
  (key) => doc({ nurse: { rules: [{ ...rule, condition: { a: { [key]: 1 } } }] } }),
  (key) => doc({ nurse: { rules: [], quotas: { [key]: { capacity: 1, per_minute: 1 } } } }),
  (key) => doc({ nurse: { rules: [], quotas: { reads: { capacity: 1, per_minute: 1, [key]: 1 } } } }),
];

function refusal(document: unknown): { field: string; message: string } {
  try {
    compilePolicy(document);
  } catch (error) {
    if (!isAppError(error, 'VALIDATION_FAILED')) throw error;
    return { field: error.field ?? '', message: error.message };
  }
  throw new Error('expected the document to be refused');
}

describe('policy errors', () => {
  it('never quote a secret used as a key, wherever it is', () => {
    fc.assert(
      fc.property(secretKeyArb, fc.nat(placements.length - 1), (key, which) => {
        const { field, message } = refusal(placements[which]?.(key));
        for (const text of [field, message]) {
          expect(text).not.toContain(key);
          // Not even the part of a decoy-prefixed key that is the real secret.
          expect(text).not.toContain(key.slice(-20));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('name a client key by position when it is not a safe name, and by name when it is', () => {
    const key = 'srk_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij';
    expect(refusal(doc({ nurse: { rules: [] }, [key]: { rules: 'x' } })).field).toBe('$.roles[1].rules');
    expect(refusal(doc({ nurse: { rules: 'x' } })).field).toBe('$.roles.nurse.rules');
    expect(
      refusal(doc({ nurse: { rules: [{ ...rule, condition: { ok: { equals: 1 }, [key]: 'x' } }] } })).field,
    ).toBe('$.roles.nurse.rules[0].condition[1]');
  });
});
