import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile-policy.js';
import { decide } from './decide.js';
import { ACTIONS, type Decision, type PolicyActor, type PolicyResource, REDACTIONS } from './policy-types.js';

// A small vocabulary so generated rules and requests actually meet.
const ROLES = ['a', 'b', 'c'];
const PURPOSES = ['support', 'billing'];
const SEGMENTS = ['collections', 'patients', 'fields', 'ssn', 'name'];

const pattern = fc
  .tuple(fc.array(fc.constantFrom(...SEGMENTS, '*'), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([segments, rest]) => [...segments, ...(rest ? ['**'] : [])].join('/'));

const condition = fc.constantFrom(
  { subject: { equals: '$actor.subject' } },
  { tenant_id: { equals: '$actor.attributes.tenant_id' } },
  { on_hold: { equals: true } },
  { tenant_id: { equals: 't1' }, subject: { equals: '$actor.subject' } },
);

const common = {
  actions: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 4 }),
  resources: fc.array(pattern, { minLength: 1, maxLength: 2 }),
  condition,
};
const denyRule = fc.record(
  { effect: fc.constant('deny'), ...common },
  { requiredKeys: ['effect', 'actions', 'resources'] },
);
const allowRule = fc.record(
  {
    effect: fc.constant('allow'),
    ...common,
    redaction: fc.constantFrom(...REDACTIONS),
    purposes: fc.uniqueArray(fc.constantFrom(...PURPOSES), { minLength: 1 }),
  },
  { requiredKeys: ['effect', 'actions', 'resources'] },
);
const rule = fc.oneof(allowRule, denyRule);

const document = fc.dictionary(fc.constantFrom(...ROLES), fc.array(rule, { maxLength: 5 })).map((roles) => ({
  version: 1,
  purposes: PURPOSES,
  roles: Object.fromEntries(Object.entries(roles).map(([name, rules]) => [name, { rules }])),
}));

const actor: fc.Arbitrary<PolicyActor> = fc.record(
  {
    subject: fc.constantFrom('u1', 'u2', ''),
    roles: fc.uniqueArray(fc.constantFrom(...ROLES, 'unknown')),
    attributes: fc.record({ tenant_id: fc.constantFrom('t1', 't2') }, { requiredKeys: [] }),
  },
  { requiredKeys: ['subject', 'roles'] },
);

const resource: fc.Arbitrary<PolicyResource> = fc.record(
  {
    path: fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 5 }).map((s) => s.join('/')),
    sensitive: fc.boolean(),
    record: fc.record(
      {
        subject: fc.constantFrom('u1', 'u2', ''),
        tenant_id: fc.constantFrom('t1', 't2'),
        on_hold: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['path', 'sensitive'] },
);

const context = fc.record({ purpose: fc.constantFrom(...PURPOSES, 'unknown_purpose') }, { requiredKeys: [] });
const request = fc.tuple(actor, fc.constantFrom(...ACTIONS), resource, context);

type Document = { version: number; purposes: string[]; roles: Record<string, { rules: unknown[] }> };

function withRule(doc: Document, role: string, added: unknown): Document {
  const rules = doc.roles[role]?.rules ?? [];
  return { ...doc, roles: { ...doc.roles, [role]: { rules: [...rules, added] } } };
}

const rank = (decision: Decision) => (decision.allow ? REDACTIONS.indexOf(decision.redaction) : -1);

describe('decide properties', () => {
  it('adding a deny rule never turns a deny into an allow', () => {
    fc.assert(
      fc.property(
        document,
        fc.constantFrom(...ROLES),
        denyRule,
        request,
        (doc, role, added, [a, act, r, c]) => {
          const before = decide(compilePolicy(doc), a, act, r, c);
          const after = decide(compilePolicy(withRule(doc, role, added)), a, act, r, c);
          if (!before.allow) expect(after.allow).toBe(false);
          // Nor does it make an allow more revealing.
          if (after.allow) expect(after).toEqual(before);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('adding an allow rule never turns an allow into a deny or lowers its redaction', () => {
    fc.assert(
      fc.property(
        document,
        fc.constantFrom(...ROLES),
        allowRule,
        request,
        (doc, role, added, [a, act, r, c]) => {
          const before = decide(compilePolicy(doc), a, act, r, c);
          const after = decide(compilePolicy(withRule(doc, role, added)), a, act, r, c);
          if (before.allow) expect(rank(after)).toBeGreaterThanOrEqual(rank(before));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a policy with no rules denies everything', () => {
    const empty = compilePolicy({
      version: 1,
      purposes: PURPOSES,
      roles: { a: { rules: [] }, b: { rules: [] } },
    });
    fc.assert(
      fc.property(request, ([a, act, r, c]) => {
        expect(decide(empty, a, act, r, c).allow).toBe(false);
      }),
    );
  });

  it('a deny on every action and path beats any set of allows', () => {
    const denyAll = { effect: 'deny', actions: [...ACTIONS], resources: ['**'] };
    fc.assert(
      fc.property(document, request, (doc, [a, act, r, c]) => {
        const decision = decide(
          compilePolicy(withRule(doc, 'a', denyAll)),
          { ...a, roles: ['a', ...a.roles] },
          act,
          r,
          c,
        );
        expect(decision.allow).toBe(false);
      }),
    );
  });

  it('never throws and always returns a decision, for well-formed and arbitrary input', () => {
    const anyInput = fc.tuple(fc.anything(), fc.anything(), fc.anything(), fc.anything());
    fc.assert(
      fc.property(document, fc.oneof(request, anyInput), (doc, [a, act, r, c]) => {
        const decision = decide(compilePolicy(doc), a as never, act as never, r as never, c as never);
        expect(typeof decision.allow).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
