/**
 * Guarantee: a denial says why for the audit trail: its reason, the policy version that decided it and, for a deny
 * rule, which rule of the document (`roles.<role>.rules[<index>]`); the public error says none of that.
 */
import { describe, expect, it } from 'vitest';
import { type Action, compilePolicy, type PolicyActor } from '../policy/index.js';
import { createAuthorizer, denialError } from './authorizer.js';

const document = {
  version: 1,
  purposes: ['support'],
  roles: {
    clerk: {
      rules: [
        {
          effect: 'allow',
          actions: ['read'],
          resources: ['collections/patients/fields/*'],
          redaction: 'masked',
        },
        { effect: 'deny', actions: ['read'], resources: ['collections/patients/fields/secret_note'] },
        {
          effect: 'deny',
          actions: ['read'],
          resources: ['collections/patients/fields/*'],
          condition: { tenant_id: { equals: 'closed' } },
        },
      ],
    },
    helper: { rules: [{ effect: 'deny', actions: ['read'], resources: ['collections/*/fields/*'] }] },
  },
};
const policy = compilePolicy(document);
const authorizer = createAuthorizer({
  policies: { policy: () => policy, current: () => ({ version: 7, policy }) as never },
});
const clerk: PolicyActor = { id: 'u1', subject: '', roles: ['clerk'], attributes: {} };
const field = (name: string) => ({ path: `collections/patients/fields/${name}`, sensitive: false });

function decide(actor: PolicyActor, name: string, record?: Record<string, string>) {
  return authorizer.decide(
    actor,
    'read' as Action,
    record === undefined ? field(name) : { ...field(name), record },
  );
}

describe('denials for the audit trail', () => {
  it('names the deny rule that matched and the policy version', () => {
    expect(decide(clerk, 'secret_note')).toEqual({
      allow: false,
      reason: 'DENIED_BY_RULE',
      rule: { role: 'clerk', index: 1 },
      policyVersion: 7,
    });
    expect(decide(clerk, 'name', { tenant_id: 'closed' })).toMatchObject({
      rule: { role: 'clerk', index: 2 },
    });
    // The first of the actor's roles whose deny rule matches.
    expect(decide({ ...clerk, roles: ['helper', 'clerk'] }, 'secret_note')).toMatchObject({
      rule: { role: 'helper', index: 0 },
    });
  });

  it('gives other denials their reason and version, and allows unchanged', () => {
    expect(authorizer.decide(clerk, 'delete', field('name'))).toEqual({
      allow: false,
      reason: 'NO_MATCHING_RULE',
      policyVersion: 7,
    });
    expect(decide(clerk, 'name')).toEqual({ allow: true, redaction: 'masked' });
  });

  it('carries the reason to the audit trail only, never into the answer', () => {
    const denial = decide(clerk, 'secret_note');
    if (denial.allow) throw new Error('expected a denial');
    const error = denialError(denial);
    expect(error.reason).toEqual({ code: 'DENIED_BY_RULE', role: 'clerk', rule: 1, policy_version: 7 });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).not.toMatch(/clerk|\b1\b|\b7\b/);
    expect(denialError('PURPOSE_REQUIRED').reason).toEqual({ code: 'PURPOSE_REQUIRED' });
  });
});
