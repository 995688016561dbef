/**
 * Random policy documents, actors and records over one small vocabulary (collection `c` with fields `a` text,
 * `n` integer, `flag` boolean, `created_by` text and `s` sensitive), so generated rules, conditions and records
 * actually meet: conditions compare every kind of scalar, actor references that may be missing or empty, the
 * record's own `created_by` and `subject`, a sensitive field and an attribute no record has.
 */
import fc from 'fast-check';
import type { PolicyActor, Scalar } from '../../src/policy/index.js';

export const ROLES = ['r1', 'r2', 'r3'];
export const PURPOSES = ['support', 'billing'];
export const PLAIN_FIELDS = ['a', 'n', 'flag', 'created_by'] as const;
export const SENSITIVE_FIELDS = ['s'] as const;
const LITERALS: Scalar[] = ['x', 'y', '1', 'true', 1, 2, true, false, ''];
const REFERENCES = ['$actor.id', '$actor.subject', '$actor.attributes.a', '$actor.attributes.n'];
const ATTRIBUTES = ['a', 'n', 'flag', 'created_by', 'subject', 's', 'missing'];

const pattern = fc.constantFrom(
  'collections/c',
  'collections/c/**',
  'collections/c/fields/*',
  'collections/c/fields/a',
  'collections/c/fields/n',
  'collections/c/fields/s',
  'collections/*/fields/flag',
  'collections/other/**',
);

const condition: fc.Arbitrary<Record<string, { equals: Scalar }>> = fc
  .uniqueArray(fc.constantFrom(...ATTRIBUTES), { minLength: 1, maxLength: 2 })
  .chain((names) =>
    fc
      .tuple(...names.map(() => fc.constantFrom<Scalar>(...LITERALS, ...REFERENCES)))
      .map((operands) =>
        Object.fromEntries(names.map((name, i) => [name, { equals: operands[i] as Scalar }])),
      ),
  );

const common = {
  actions: fc.uniqueArray(fc.constantFrom('read', 'search', 'write'), { minLength: 1, maxLength: 2 }),
  resources: fc.uniqueArray(pattern, { minLength: 1, maxLength: 2 }),
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
    redaction: fc.constantFrom('redacted', 'masked', 'plain'),
    purposes: fc.uniqueArray(fc.constantFrom(...PURPOSES), { minLength: 1 }),
  },
  { requiredKeys: ['effect', 'actions', 'resources'] },
);

/** A policy document: up to three roles of up to five rules, allows twice as likely as denies. */
export const policyDocument = fc
  .dictionary(fc.constantFrom(...ROLES), fc.array(fc.oneof(allowRule, allowRule, denyRule), { maxLength: 5 }))
  .map((roles) => ({
    version: 1,
    purposes: PURPOSES,
    roles: Object.fromEntries(Object.entries(roles).map(([name, rules]) => [name, { rules }])),
  }));

/** One-test conditions whose operands meet stored values, and values of another JSON type that look alike. */
const pointedCondition = fc
  .constantFrom<[string, Scalar]>(
    ['a', 'x'],
    ['a', '1'],
    ['a', 1],
    ['a', 'true'],
    ['a', true],
    ['a', ''],
    ['a', '$actor.attributes.a'],
    ['n', 1],
    ['n', '1'],
    ['n', '$actor.attributes.n'],
    ['flag', true],
    ['flag', 'true'],
    ['flag', false],
    ['created_by', 'u1'],
    ['created_by', '$actor.id'],
    ['subject', 'h1'],
    ['subject', '$actor.subject'],
    ['missing', 'x'],
  )
  .map(([attribute, equals]) => ({ [attribute]: { equals } }));

/**
 * One role holding a read and search grant on the whole collection under one test, and maybe a deny under
 * another: every case turns on how single tests treat types, missing values and negation.
 */
export const focusedDocument = fc
  .tuple(
    pointedCondition,
    fc.option(pointedCondition, { nil: undefined }),
    fc.constantFrom('redacted', 'masked', 'plain', 'plain'),
  )
  .map(([granted, denied, redaction]) => ({
    version: 1,
    purposes: PURPOSES,
    roles: {
      r1: {
        rules: [
          {
            effect: 'allow',
            actions: ['read', 'search'],
            resources: ['collections/c/**'],
            redaction,
            condition: granted,
          },
          ...(denied === undefined
            ? []
            : [{ effect: 'deny', actions: ['read'], resources: ['collections/c/**'], condition: denied }]),
        ],
      },
    },
  }));

/** Who asks: any roles (one the policy may not define), an id and subject that may be missing or empty. */
export const policyActor: fc.Arbitrary<PolicyActor> = fc.record(
  {
    id: fc.constantFrom('u1', 'u2', ''),
    subject: fc.constantFrom('h1', 'h2', ''),
    roles: fc.uniqueArray(fc.constantFrom(...ROLES, 'unknown')),
    attributes: fc.record(
      { a: fc.constantFrom('x', 'y', ''), n: fc.constantFrom(1, 2) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['subject', 'roles'] },
);

/** A stored record's facts: non-sensitive values (any may be missing), its creator and its subject HMAC. */
export const recordFacts = fc.record({
  plain: fc.record(
    {
      a: fc.constantFrom('x', 'y', '1', 'true', ''),
      n: fc.constantFrom(1, 2, 3),
      flag: fc.boolean(),
      created_by: fc.constantFrom('u1', 'u2'),
    },
    { requiredKeys: [] },
  ),
  createdBy: fc.constantFrom<string | null>('u1', 'u2', null),
  subjectHash: fc.constantFrom<string | null>('h1', 'h2', null),
});

/** The purpose a request states, if any (an unknown one too). */
export const purpose = fc.constantFrom<string | undefined>(undefined, ...PURPOSES, 'unknown_purpose');
