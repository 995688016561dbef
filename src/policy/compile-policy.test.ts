import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { compilePolicy } from './compile-policy.js';
import { POLICY_LIMITS } from './policy-types.js';

const CANARY = 'canary-9f3e1c';
const rule = { effect: 'allow', actions: ['read'], resources: ['collections/*/fields/*'] };
const doc = (rules: unknown[], extra: Record<string, unknown> = {}) => ({
  version: 1,
  purposes: ['support', 'billing'],
  roles: { nurse: { rules } },
  ...extra,
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

describe('compilePolicy', () => {
  it('compiles a valid document with defaults', () => {
    const policy = compilePolicy(doc([rule, { ...rule, effect: 'deny' }]));
    const [allow, deny] = policy.roles.get('nurse') ?? [];
    expect(allow).toMatchObject({ effect: 'allow', redaction: 'redacted', purposes: null, condition: null });
    expect(deny).toMatchObject({ effect: 'deny' });
    expect([...policy.purposes]).toEqual(['support', 'billing']);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.roles.get('nurse'))).toBe(true);
  });

  it('accepts a policy with no roles', () => {
    expect(compilePolicy({ version: 1, purposes: [], roles: {} }).roles.size).toBe(0);
  });

  it.each([
    ['not an object', CANARY, '$'],
    ['unknown top-level key (unusual, not echoed)', { ...doc([]), [`key ${CANARY}`]: 1 }, '$'],
    ['missing version', { purposes: [], roles: {} }, '$.version'],
    ['wrong version', doc([], { version: 2 }), '$.version'],
    ['purposes not an array', doc([], { purposes: CANARY }), '$.purposes'],
    ['bad purpose name', doc([], { purposes: ['support', `Bad ${CANARY}`] }), '$.purposes[1]'],
    ['roles not an object', doc([], { roles: [CANARY] }), '$.roles'],
    ['bad role name', doc([], { roles: { [`bad role\n${CANARY}`]: { rules: [] } } }), '$.roles'],
    ['unknown role key', doc([], { roles: { nurse: { rules: [], inherits: CANARY } } }), '$.roles.nurse'],
    ['rules not an array', doc([], { roles: { nurse: { rules: CANARY } } }), '$.roles.nurse.rules'],
    ['rule not an object', doc([CANARY]), '$.roles.nurse.rules[0]'],
    ['unknown rule key', doc([{ ...rule, efect: 'deny' }]), '$.roles.nurse.rules[0]'],
    ['bad effect', doc([{ ...rule, effect: CANARY }]), '$.roles.nurse.rules[0].effect'],
    ['missing effect', doc([{ actions: ['read'], resources: ['a'] }]), '$.roles.nurse.rules[0].effect'],
    ['empty actions', doc([{ ...rule, actions: [] }]), '$.roles.nurse.rules[0].actions'],
    ['unknown action', doc([{ ...rule, actions: ['read', CANARY] }]), '$.roles.nurse.rules[0].actions[1]'],
    ['missing resources', doc([{ effect: 'allow', actions: ['read'] }]), '$.roles.nurse.rules[0].resources'],
    [
      'bad pattern',
      doc([{ ...rule, resources: ['a', `**/${CANARY}`] }]),
      '$.roles.nurse.rules[0].resources[1]',
    ],
    ['bad redaction', doc([{ ...rule, redaction: CANARY }]), '$.roles.nurse.rules[0].redaction'],
    [
      'redaction on deny',
      doc([{ ...rule, effect: 'deny', redaction: 'plain' }]),
      '$.roles.nurse.rules[0].redaction',
    ],
    [
      'purposes on deny',
      doc([{ ...rule, effect: 'deny', purposes: ['support'] }]),
      '$.roles.nurse.rules[0].purposes',
    ],
    ['empty rule purposes', doc([{ ...rule, purposes: [] }]), '$.roles.nurse.rules[0].purposes'],
    [
      'unconfigured purpose',
      doc([{ ...rule, purposes: ['support', 'marketing'] }]),
      '$.roles.nurse.rules[0].purposes[1]',
    ],
    [
      'unknown operator',
      doc([{ ...rule, condition: { subject: { like: CANARY } } }]),
      '$.roles.nurse.rules[0].condition.subject',
    ],
    [
      'bad operand',
      doc([{ ...rule, condition: { subject: { equals: `$${CANARY}` } } }]),
      '$.roles.nurse.rules[0].condition.subject.equals',
    ],
  ])('rejects %s at its path, without echoing values', (_name, document, path) => {
    const error = compileError(document);
    expect(error.field).toBe(path);
    expect(error.message).not.toContain(CANARY);
  });

  it('keeps a role named __proto__ as data, without touching any prototype', () => {
    const parsed: unknown = JSON.parse('{"version":1,"purposes":[],"roles":{"__proto__":{"rules":[]}}}');
    const policy = compilePolicy(parsed);
    expect(policy.roles.get('__proto__')).toEqual([]);
    expect(({} as Record<string, unknown>).rules).toBeUndefined();
  });

  it('names an unknown key when it is printable', () => {
    expect(compileError(doc([{ ...rule, efect: 'deny' }])).message).toContain('"efect"');
  });
});

describe('the published size limits', () => {
  const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
  const roles = (n: number) => Object.fromEntries(many(n, (i) => [`r${i}`, { rules: [] }] as const));
  // Segments of at most 128 characters (the segment limit), `n` characters in all.
  const longResource = (n: number) => `${`${'b'.repeat(127)}/`.repeat(9).slice(0, n - 1)}b`;
  const condition = (n: number) => Object.fromEntries(many(n, (i) => [`a${i}`, { equals: 'x' }] as const));
  it.each([
    ['roles', (n: number) => doc([], { roles: roles(n) }), POLICY_LIMITS.roles, '$.roles'],
    ['rules', (n: number) => doc(many(n, () => rule)), POLICY_LIMITS.rulesPerRole, '$.roles.nurse.rules'],
    [
      'resources',
      (n: number) => doc([{ ...rule, resources: many(n, (i) => `r${i}`) }]),
      POLICY_LIMITS.resourcesPerRule,
      '$.roles.nurse.rules[0].resources',
    ],
    [
      'purposes',
      (n: number) => doc([], { purposes: many(n, (i) => `p${i}`) }),
      POLICY_LIMITS.purposes,
      '$.purposes',
    ],
    [
      'condition entries',
      (n: number) => doc([{ ...rule, condition: condition(n) }]),
      POLICY_LIMITS.conditionEntries,
      '$.roles.nurse.rules[0].condition',
    ],
    [
      'resource length',
      (n: number) => doc([{ ...rule, resources: [longResource(n)] }]),
      POLICY_LIMITS.resourceLength,
      '$.roles.nurse.rules[0].resources[0]',
    ],
    [
      'literal length',
      (n: number) => doc([{ ...rule, condition: { owner: { equals: 'x'.repeat(n) } } }]),
      POLICY_LIMITS.literalLength,
      '$.roles.nurse.rules[0].condition.owner.equals',
    ],
  ])('accepts %s at the limit and refuses one more', (_name, make, limit, path) => {
    expect(() => compilePolicy(make(limit))).not.toThrow();
    expect(compileError(make(limit + 1)).field).toBe(path);
  });

  it('compiles a stored document over the limits (an earlier release had none), so an upgrade still starts', () => {
    const document = doc(many(POLICY_LIMITS.rulesPerRole + 1, () => rule));
    expect(compileError(document).field).toBe('$.roles.nurse.rules');
    expect(compilePolicy(document, { stored: true }).roles.get('nurse')).toHaveLength(
      POLICY_LIMITS.rulesPerRole + 1,
    );
  });

  it('accepts tabs and newlines in a condition literal (text fields hold them)', () => {
    expect(() =>
      compilePolicy(doc([{ ...rule, condition: { owner: { equals: 'a\tb\nc' } } }])),
    ).not.toThrow();
  });
});

describe('errors never echo a secret-shaped key', () => {
  it('names a role or key shaped like an SSN or card number only by placeholder', () => {
    const roleRule = { effect: 'allow', actions: ['read'], resources: ['**'], redaction: 'plain', efect: 1 };
    for (const secret of ['123-45-6789', '4111111111111111']) {
      const error = compileError({ version: 1, purposes: [], roles: { [secret]: { rules: [roleRule] } } });
      expect(JSON.stringify({ field: error.field, message: error.message })).not.toContain(secret);
      const keyed = compileError({
        version: 1,
        purposes: [],
        roles: { r: { rules: [{ ...roleRule, [secret]: 1 }] } },
      });
      expect(JSON.stringify({ field: keyed.field, message: keyed.message })).not.toContain(secret);
    }
  });
});
