import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile-policy.js';
import { decide } from './decide.js';
import type { Action, DecideContext, Decision, PolicyActor, PolicyResource } from './policy-types.js';

const policy = compilePolicy({
  version: 1,
  purposes: ['support', 'billing', 'fraud_prevention', 'data_subject_request'],
  roles: {
    patient: {
      rules: [
        {
          effect: 'allow',
          actions: ['read'],
          resources: ['collections/patients/fields/*'],
          redaction: 'plain',
          condition: { subject: { equals: '$actor.subject' } },
        },
      ],
    },
    support_agent: {
      rules: [
        {
          effect: 'allow',
          actions: ['read'],
          resources: ['collections/patients/fields/*'],
          redaction: 'masked',
          purposes: ['support'],
          condition: { tenant_id: { equals: '$actor.attributes.tenant_id' } },
        },
        { effect: 'allow', actions: ['search'], resources: ['collections/patients/**'] },
        { effect: 'deny', actions: ['read'], resources: ['collections/patients/fields/diagnosis'] },
      ],
    },
    billing: {
      rules: [
        {
          effect: 'allow',
          actions: ['read'],
          resources: ['collections/*/fields/card_number'],
          redaction: 'masked',
          purposes: ['billing'],
        },
        {
          effect: 'allow',
          actions: ['read', 'write'],
          resources: ['collections/invoices/fields/*'],
          redaction: 'plain',
        },
      ],
    },
    dpo: {
      rules: [
        {
          effect: 'allow',
          actions: ['read', 'erase'],
          resources: ['collections/**'],
          redaction: 'plain',
          purposes: ['data_subject_request'],
        },
        { effect: 'allow', actions: ['read_audit'], resources: ['audit'] },
      ],
    },
    fraud: {
      rules: [
        {
          effect: 'allow',
          actions: ['detokenize'],
          resources: ['tokens/*'],
          redaction: 'plain',
          purposes: ['fraud_prevention'],
        },
      ],
    },
    admin: {
      rules: [
        { effect: 'allow', actions: ['manage_keys', 'manage_users'], resources: ['system/**'] },
        {
          effect: 'deny',
          actions: ['read', 'search', 'detokenize'],
          resources: ['collections/**', 'tokens/**'],
        },
      ],
    },
    legal_hold: {
      rules: [
        {
          effect: 'deny',
          actions: ['erase'],
          resources: ['collections/**'],
          condition: { on_hold: { equals: true } },
        },
      ],
    },
  },
});

const ACTORS: Record<string, PolicyActor> = {
  alice: { subject: 'u-alice', roles: ['patient'] },
  blank: { subject: '', roles: ['patient'] },
  sam: { subject: 'u-sam', roles: ['support_agent'], attributes: { tenant_id: 't1' } },
  sam_no_tenant: { subject: 'u-sam', roles: ['support_agent'] },
  bea: { subject: 'u-bea', roles: ['billing'] },
  sam_billing: { subject: 'u-sb', roles: ['support_agent', 'billing'], attributes: { tenant_id: 't1' } },
  dora: { subject: 'u-dora', roles: ['dpo', 'legal_hold'] },
  fred: { subject: 'u-fred', roles: ['fraud'] },
  root: { subject: 'u-root', roles: ['admin'] },
  root_dpo: { subject: 'u-root', roles: ['admin', 'dpo'] },
  ghost: { subject: 'u-ghost', roles: ['no_such_role'] },
  nobody: { subject: 'u-nobody', roles: [] },
};

const RECORDS: Record<string, Record<string, string | boolean>> = {
  alice: { subject: 'u-alice', tenant_id: 't1' },
  bob: { subject: 'u-bob', tenant_id: 't2' },
  bob_hold: { subject: 'u-bob', tenant_id: 't2', on_hold: true },
  blank: { subject: '' },
};

// One row per request. `sens`: resource marked sensitive. `record`: the record's attributes (- for none).
// `purpose`: stated purpose (- for none). `expected`: `allow <redaction>` or the deny reason.
const TABLE = `
actor         | action       | resource                              | sens | record   | purpose              | expected
# own-record access through a condition on subject
alice         | read         | collections/patients/fields/name      | no   | alice    | -                    | allow plain
alice         | read         | collections/patients/fields/ssn       | yes  | alice    | data_subject_request | allow plain
alice         | read         | collections/patients/fields/ssn       | yes  | alice    | -                    | PURPOSE_REQUIRED
alice         | read         | collections/patients/fields/name      | no   | bob      | -                    | NO_MATCHING_RULE
alice         | read         | collections/patients/fields/name      | no   | -        | -                    | NO_MATCHING_RULE
alice         | write        | collections/patients/fields/name      | no   | alice    | -                    | NO_MATCHING_RULE
alice         | read         | collections/invoices/fields/total     | no   | alice    | -                    | NO_MATCHING_RULE
blank         | read         | collections/patients/fields/name      | no   | blank    | -                    | NO_MATCHING_RULE
# tenant condition and a rule restricted to one purpose
sam           | read         | collections/patients/fields/ssn       | yes  | alice    | support              | allow masked
sam           | read         | collections/patients/fields/name      | no   | alice    | support              | allow masked
sam           | read         | collections/patients/fields/ssn       | yes  | bob      | support              | NO_MATCHING_RULE
sam_no_tenant | read         | collections/patients/fields/name      | no   | alice    | support              | NO_MATCHING_RULE
sam           | read         | collections/patients/fields/ssn       | yes  | alice    | billing              | NO_MATCHING_RULE
sam           | read         | collections/patients/fields/name      | no   | alice    | -                    | NO_MATCHING_RULE
sam           | read         | collections/patients/fields/ssn       | yes  | alice    | -                    | PURPOSE_REQUIRED
sam           | read         | collections/patients/fields/ssn       | yes  | alice    | curiosity            | PURPOSE_UNKNOWN
sam           | write        | collections/patients/fields/name      | no   | alice    | curiosity            | PURPOSE_UNKNOWN
# deny beats allow, with or without a purpose
sam           | read         | collections/patients/fields/diagnosis | yes  | alice    | support              | DENIED_BY_RULE
sam           | read         | collections/patients/fields/diagnosis | yes  | alice    | -                    | DENIED_BY_RULE
# trailing ** covers one or more segments; default redaction is redacted
sam           | search       | collections/patients/fields/name      | no   | -        | -                    | allow redacted
sam           | search       | collections/patients/fields/ssn       | yes  | -        | -                    | PURPOSE_REQUIRED
sam           | search       | collections/patients/fields/ssn       | yes  | -        | support              | allow redacted
sam           | search       | collections/patients                  | no   | -        | -                    | NO_MATCHING_RULE
# * matches exactly one segment
bea           | read         | collections/customers/fields/card_number | yes | -      | billing              | allow masked
bea           | read         | collections/customers/fields/card_number | yes | -      | support              | NO_MATCHING_RULE
bea           | read         | collections/a/b/fields/card_number    | yes  | -        | billing              | NO_MATCHING_RULE
bea           | write        | collections/invoices/fields/total     | no   | -        | -                    | allow plain
bea           | write        | collections/customers/fields/card_number | yes | -      | billing              | NO_MATCHING_RULE
# several matching allows: the most revealing wins
sam_billing   | read         | collections/invoices/fields/total     | no   | -        | -                    | allow plain
# conditional deny (legal hold)
dora          | read         | collections/patients/fields/ssn       | yes  | bob      | data_subject_request | allow plain
dora          | erase        | collections/patients/fields/ssn       | yes  | bob      | data_subject_request | allow plain
dora          | erase        | collections/patients/fields/ssn       | yes  | bob_hold | data_subject_request | DENIED_BY_RULE
dora          | read_audit   | audit                                 | no   | -        | -                    | allow redacted
dora          | read_audit   | audit/2026                            | no   | -        | -                    | NO_MATCHING_RULE
# detokenize reveals, so it needs a purpose on sensitive data
fred          | detokenize   | tokens/tok_1                          | yes  | -        | fraud_prevention     | allow plain
fred          | detokenize   | tokens/tok_1                          | yes  | -        | -                    | PURPOSE_REQUIRED
fred          | tokenize     | tokens/tok_1                          | yes  | -        | -                    | NO_MATCHING_RULE
# admin manages, never reads data, even with another role that could
root          | manage_keys  | system/keys/k1                        | no   | -        | -                    | allow redacted
root          | manage_users | system/users                          | no   | -        | -                    | allow redacted
root          | read_audit   | audit                                 | no   | -        | -                    | NO_MATCHING_RULE
root_dpo      | read         | collections/patients/fields/ssn       | yes  | -        | data_subject_request | DENIED_BY_RULE
root_dpo      | erase        | collections/patients/fields/ssn       | yes  | -        | data_subject_request | allow plain
# deny by default
ghost         | read         | collections/patients/fields/name      | no   | -        | -                    | NO_MATCHING_RULE
nobody        | delete       | collections/patients/fields/name      | no   | -        | -                    | NO_MATCHING_RULE
# malformed request paths
dora          | read         | collections/*/fields/ssn              | no   | -        | data_subject_request | INVALID_REQUEST
dora          | read         | collections//fields/ssn               | no   | -        | data_subject_request | INVALID_REQUEST
dora          | read         | collections/../audit                  | no   | -        | data_subject_request | INVALID_REQUEST
dora          | read         | /collections/patients                 | no   | -        | data_subject_request | INVALID_REQUEST
`;

interface Row {
  name: string;
  actor: PolicyActor;
  action: Action;
  resource: PolicyResource;
  context: DecideContext;
  expected: Decision;
}

function lookup<T>(table: Record<string, T>, key: string): T {
  const value = table[key];
  if (value === undefined) throw new Error(`table refers to unknown entry ${key}`);
  return value;
}

function parseTable(text: string): Row[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return lines.slice(1).map((line) => {
    const [actor = '', action = '', path = '', sens, record = '-', purpose = '-', expected = ''] = line
      .split('|')
      .map((cell) => cell.trim());
    const [verdict, redaction] = expected.split(' ');
    return {
      name: line.replace(/\s+/g, ' '),
      actor: lookup(ACTORS, actor),
      action: action as Action,
      resource: {
        path,
        sensitive: sens === 'yes',
        ...(record !== '-' && { record: lookup(RECORDS, record) }),
      },
      context: purpose === '-' ? {} : { purpose },
      expected: (verdict === 'allow'
        ? { allow: true, redaction }
        : { allow: false, reason: verdict }) as Decision,
    };
  });
}

const deny = (reason: string) => ({ allow: false, reason }) as Decision;

describe('decide', () => {
  it.each(parseTable(TABLE))('$name', ({ actor, action, resource, context, expected }) => {
    expect(decide(policy, actor, action, resource, context)).toEqual(expected);
  });

  it('defaults to no purpose when no context is given', () => {
    const resource = {
      path: 'collections/patients/fields/ssn',
      sensitive: true,
      record: lookup(RECORDS, 'alice'),
    };
    expect(decide(policy, lookup(ACTORS, 'alice'), 'read', resource)).toEqual(deny('PURPOSE_REQUIRED'));
  });

  it('denies an unknown action or a resource without a sensitivity flag as INVALID_REQUEST', () => {
    const dora = lookup(ACTORS, 'dora');
    const ssn = { path: 'collections/patients/fields/ssn', sensitive: false };
    expect(decide(policy, dora, 'peek' as Action, ssn, {})).toEqual(deny('INVALID_REQUEST'));
    const unflagged = { path: ssn.path } as PolicyResource;
    expect(decide(policy, dora, 'read', unflagged, { purpose: 'data_subject_request' })).toEqual(
      deny('INVALID_REQUEST'),
    );
  });

  it('ignores inherited record properties', () => {
    const record = Object.create({ subject: 'u-alice' }) as Record<string, string>;
    const resource = { path: 'collections/patients/fields/name', sensitive: false, record };
    expect(decide(policy, lookup(ACTORS, 'alice'), 'read', resource, {})).toEqual(deny('NO_MATCHING_RULE'));
  });

  it('denies instead of throwing on hostile input', () => {
    const hostile = new Proxy({} as PolicyActor, {
      get() {
        throw new Error('boom');
      },
    });
    expect(decide(policy, hostile, 'read', { path: 'audit', sensitive: false }, {})).toEqual(
      deny('INVALID_REQUEST'),
    );
  });
});
