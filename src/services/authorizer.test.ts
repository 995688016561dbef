import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/index.js';
import { isAppError } from '../errors.js';
import { type Action, compilePolicy, defaultPolicyDocument, resourcePaths } from '../policy/index.js';
import { createAuthorizer, denialError, policyActorOf } from './authorizer.js';

const CANARY = 'canary-4c1d9e';
const policy = compilePolicy(defaultPolicyDocument());
const authorizer = createAuthorizer({ policies: { policy: () => policy } });

function actor(kind: 'session' | 'api_key', userId: string, roles: string[]): Actor {
  const common = {
    userId,
    username: `name-${userId}`,
    roles,
    userCreatedAt: 0,
    subjectHash: `subject-${userId}`,
    attributes: { tenant_id: 't1' },
  };
  return kind === 'session' ? { ...common, kind, sessionId: 's1' } : { ...common, kind, apiKeyId: 'k1' };
}

const ACTORS: Record<string, Actor> = {
  admin: actor('session', 'u-admin', ['admin']),
  alice: actor('session', 'u-alice', ['user']),
  // An admin's API key restricted to `user` (authentication has already narrowed its roles).
  admin_key_as_user: actor('api_key', 'u-admin', ['user']),
  alice_key: actor('api_key', 'u-alice', ['user']),
  // A key whose roles no longer intersect its user's.
  empty_key: actor('api_key', 'u-alice', []),
  custom: actor('session', 'u-custom', ['auditor']),
  // An application's service account key: it may introspect tokens and nothing else.
  service_key: actor('api_key', 'u-service', ['introspector']),
};

const RECORDS: Record<string, Record<string, string>> = {
  alice: { created_by: 'u-alice', tenant_id: 't1' },
  bob: { created_by: 'u-bob', tenant_id: 't1' },
  admin: { created_by: 'u-admin' },
  // A record whose creator attribute is forged to look like the subject: $actor.id is the user id only.
  subject_lookalike: { created_by: 'subject-u-alice' },
};

const SSN = resourcePaths.field('patients', 'ssn');
const NAME = resourcePaths.field('patients', 'name');
const PATIENTS = resourcePaths.collection('patients');
const CARD_TOKENS = resourcePaths.token('card_number');
const INTROSPECTION = resourcePaths.system('introspection');

// One row per request over the DEFAULT policy. `sens`: sensitive resource. `record`: record attributes (- none).
// `purpose` (- none). `expected`: `allow <redaction>` or the error code the route would answer.
const TABLE = `
actor             | action       | resource      | sens | record            | purpose              | expected
# admin: everything, plain, any purpose; a purpose is still needed for sensitive reads
admin             | read         | SSN           | yes  | bob               | support              | allow plain
admin             | read         | SSN           | yes  | bob               | -                    | PURPOSE_REQUIRED
admin             | read         | NAME          | no   | bob               | -                    | allow plain
admin             | erase        | PATIENTS      | no   | bob               | -                    | allow plain
admin             | manage_users | system/users  | no   | -                 | -                    | allow plain
admin             | read_audit   | audit         | no   | -                 | -                    | allow plain
admin             | introspect   | INTROSPECTION | no   | -                 | -                    | allow plain
admin             | read         | SSN           | yes  | bob               | marketing            | PURPOSE_UNKNOWN
# user, own record: plain, write, delete, detokenize
alice             | read         | SSN           | yes  | alice             | billing              | allow plain
alice             | read         | NAME          | no   | alice             | -                    | allow plain
alice             | write        | SSN           | yes  | alice             | -                    | allow plain
alice             | delete       | PATIENTS      | no   | alice             | -                    | allow plain
alice             | tokenize     | SSN           | yes  | alice             | -                    | allow plain
alice             | detokenize   | CARD_TOKENS   | yes  | alice             | fraud_prevention     | allow plain
alice             | detokenize   | CARD_TOKENS   | yes  | alice             | -                    | PURPOSE_REQUIRED
# user, another's record: masked reads only
alice             | read         | SSN           | yes  | bob               | support              | allow masked
alice             | read         | SSN           | yes  | bob               | -                    | PURPOSE_REQUIRED
alice             | search       | SSN           | yes  | bob               | support              | FORBIDDEN
alice             | search       | SSN           | yes  | alice             | support              | allow plain
alice             | write        | SSN           | yes  | bob               | -                    | FORBIDDEN
alice             | delete       | PATIENTS      | no   | bob               | -                    | FORBIDDEN
alice             | detokenize   | CARD_TOKENS   | yes  | bob               | fraud_prevention     | FORBIDDEN
alice             | read         | SSN           | yes  | subject_lookalike | support              | allow masked
# user: create records and tokenize free values (no record yet), nothing administrative
alice             | write        | PATIENTS      | no   | -                 | -                    | allow redacted
alice             | tokenize     | CARD_TOKENS   | yes  | -                 | -                    | allow redacted
alice             | erase        | PATIENTS      | no   | alice             | -                    | FORBIDDEN
alice             | manage_users | system/users  | no   | -                 | -                    | FORBIDDEN
alice             | manage_keys  | system/keys   | no   | -                 | -                    | FORBIDDEN
alice             | read_audit   | audit         | no   | -                 | -                    | FORBIDDEN
alice             | introspect   | INTROSPECTION | no   | -                 | -                    | FORBIDDEN
alice             | read         | SSN           | yes  | alice             | curiosity            | PURPOSE_UNKNOWN
# API keys act with their (narrowed) roles
admin_key_as_user | read         | SSN           | yes  | bob               | support              | allow masked
admin_key_as_user | read         | SSN           | yes  | admin             | support              | allow plain
admin_key_as_user | manage_users | system/users  | no   | -                 | -                    | FORBIDDEN
admin_key_as_user | erase        | PATIENTS      | no   | bob               | -                    | FORBIDDEN
alice_key         | read         | SSN           | yes  | alice             | support              | allow plain
empty_key         | read         | NAME          | no   | alice             | -                    | FORBIDDEN
# introspector: token introspection only
service_key       | introspect   | INTROSPECTION | no   | -                 | -                    | allow redacted
service_key       | read         | NAME          | no   | alice             | -                    | FORBIDDEN
service_key       | write        | PATIENTS      | no   | -                 | -                    | FORBIDDEN
service_key       | manage_users | system/users  | no   | -                 | -                    | FORBIDDEN
service_key       | read_audit   | audit         | no   | -                 | -                    | FORBIDDEN
# a role the default policy does not define grants nothing
custom            | read_audit   | audit         | no   | -                 | -                    | FORBIDDEN
`;

const PATHS: Record<string, string> = { SSN, NAME, PATIENTS, CARD_TOKENS, INTROSPECTION };

function lookup<T>(table: Record<string, T>, key: string): T {
  const value = table[key];
  if (value === undefined) throw new Error(`table refers to unknown entry ${key}`);
  return value;
}

const rows = TABLE.split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .slice(1)
  .map((line) => {
    const [name = '', action = '', path = '', sens, record = '-', purpose = '-', expected = ''] = line
      .split('|')
      .map((cell) => cell.trim());
    return {
      label: line.replace(/\s+/g, ' '),
      actor: lookup(ACTORS, name),
      action: action as Action,
      resource: {
        path: PATHS[path] ?? path,
        sensitive: sens === 'yes',
        ...(record !== '-' && { record: lookup(RECORDS, record) }),
      },
      context: purpose === '-' ? {} : { purpose },
      expected,
    };
  });

describe('authorizer over the default policy', () => {
  it.each(rows)('$label', ({ actor: who, action, resource, context, expected }) => {
    let outcome: string;
    try {
      outcome = `allow ${authorizer.authorize(who, action, resource, context)}`;
    } catch (error) {
      if (!isAppError(error)) throw error;
      outcome = error.code;
    }
    expect(outcome).toBe(expected);
    // decide and authorize agree.
    expect(authorizer.decide(who, action, resource, context).allow).toBe(expected.startsWith('allow'));
  });

  it('knows the default roles and purposes', () => {
    expect([...authorizer.roles()].sort()).toEqual(['admin', 'introspector', 'monitor', 'user']);
    expect([...authorizer.purposes()]).toEqual([
      'support',
      'billing',
      'fraud_prevention',
      'data_subject_request',
    ]);
  });

  it('uses the policy in force at each call', () => {
    let current = policy;
    const switching = createAuthorizer({ policies: { policy: () => current } });
    const alice = lookup(ACTORS, 'alice');
    const read = { path: NAME, sensitive: false, record: lookup(RECORDS, 'bob') };
    expect(switching.decide(alice, 'read', read).allow).toBe(true);
    current = compilePolicy({ version: 1, purposes: [], roles: { user: { rules: [] } } });
    expect(switching.decide(alice, 'read', read)).toEqual({ allow: false, reason: 'NO_MATCHING_RULE' });
  });
});

describe('policyActorOf', () => {
  it('takes id, subject (its HMAC), roles and attributes from the authenticated actor', () => {
    expect(policyActorOf(lookup(ACTORS, 'admin_key_as_user'))).toEqual({
      id: 'u-admin',
      subject: 'subject-u-admin',
      roles: ['user'],
      attributes: { tenant_id: 't1' },
    });
  });

  it('maps a user without a subject to the empty subject, which no condition matches', () => {
    const none = { ...lookup(ACTORS, 'alice'), subjectHash: null };
    expect(policyActorOf(none).subject).toBe('');
    const own = compilePolicy({
      version: 1,
      purposes: [],
      roles: {
        user: {
          rules: [
            {
              effect: 'allow',
              actions: ['read'],
              resources: ['**'],
              condition: { subject: { equals: '$actor.subject' } },
            },
          ],
        },
      },
    });
    const bySubject = createAuthorizer({ policies: { policy: () => own } });
    expect(
      bySubject.decide(none, 'read', { path: NAME, sensitive: false, record: { subject: '' } }).allow,
    ).toBe(false);
  });
});

describe('denialError', () => {
  it.each([
    ['PURPOSE_REQUIRED', 'PURPOSE_REQUIRED', 403],
    ['PURPOSE_UNKNOWN', 'PURPOSE_UNKNOWN', 400],
    ['DENIED_BY_RULE', 'FORBIDDEN', 403],
    ['NO_MATCHING_RULE', 'FORBIDDEN', 403],
    ['INVALID_REQUEST', 'FORBIDDEN', 403],
  ] as const)('%s → %s (%i)', (reason, code, status) => {
    const error = denialError(reason);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it('never carries a value, path or record attribute', () => {
    const alice = lookup(ACTORS, 'alice');
    for (const [purpose, path] of [
      [undefined, resourcePaths.field(CANARY, 'ssn')],
      ['support', resourcePaths.field('patients', CANARY)],
    ] as const) {
      try {
        authorizer.authorize(
          alice,
          'write',
          { path, sensitive: true, record: { created_by: CANARY } },
          {
            ...(purpose === undefined ? {} : { purpose }),
          },
        );
        throw new Error('expected a denial');
      } catch (error) {
        expect(isAppError(error)).toBe(true);
        expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(
          CANARY,
        );
      }
    }
  });
});
