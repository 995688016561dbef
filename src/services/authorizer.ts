/**
 * The bridge from a request to the pure policy decision (policy/decide.ts): builds the PolicyActor from the
 * authenticated Actor, asks the policy in force, and turns a denial into the public error.
 *
 * Invariants: the actor's roles, id, subject and attributes come from authentication (re-read from storage on
 * every request), never from the request body; an API key acts with its role subset (already applied by
 * authentication); a denial maps to FORBIDDEN (by rule, no rule, or a malformed request), PURPOSE_REQUIRED (403)
 * or PURPOSE_UNKNOWN (400), and its message names the reason, never a value, a resource path or a record
 * attribute; the decision is taken against one policy version, read once per call.
 * Not addressed: that callers ask at all, and that the resource's sensitivity and record attributes they pass are
 * read from storage (see policy/resource-paths.ts for the paths to ask about).
 */

import { AppError, type RefusalReason } from '../errors.js';
import type { Actor } from '../model/index.js';
import {
  type Action,
  type DecideContext,
  type Decision,
  type DecisionCondition,
  type DenyReason,
  decide,
  decisionCondition,
  denyingRule,
  type Policy,
  type PolicyActor,
  type PolicyResource,
  type Redaction,
  resourcePaths,
} from '../policy/index.js';
import type { PolicyService } from './policy-service.js';

const FORBIDDEN_MESSAGES: Record<Exclude<DenyReason, 'PURPOSE_REQUIRED' | 'PURPOSE_UNKNOWN'>, string> = {
  DENIED_BY_RULE: 'You are not allowed to do this: a policy rule denies it',
  NO_MATCHING_RULE: 'You are not allowed to do this: no policy rule allows it',
  INVALID_REQUEST: 'You are not allowed to do this',
};

/** The PolicyActor of an authenticated actor: its roles (an API key's subset), user id, subject and attributes. */
export function policyActorOf(actor: Actor): PolicyActor {
  return {
    id: actor.userId,
    subject: actor.subjectHash ?? '',
    roles: actor.roles,
    attributes: actor.attributes,
  };
}

type Denial = Exclude<Decision, { allow: true }>;

/** What the audit trail records of a denial: its reason, the policy version, and the deny rule that matched. */
export function refusalReasonOf(denial: DenyReason | Omit<Denial, 'allow'>): RefusalReason {
  const { reason, rule, policyVersion } = typeof denial === 'string' ? { reason: denial } : denial;
  return {
    code: reason,
    ...(rule === undefined ? {} : { role: rule.role, rule: rule.index }),
    ...(policyVersion === undefined ? {} : { policy_version: policyVersion }),
  };
}

/**
 * The public error for a denial: FORBIDDEN, PURPOSE_REQUIRED or PURPOSE_UNKNOWN, naming the reason only (the
 * rule and policy version go to the audit trail, never into the answer).
 */
export function denialError(denial: DenyReason | Omit<Denial, 'allow'>): AppError {
  const reason = typeof denial === 'string' ? denial : denial.reason;
  const audited = { reason: refusalReasonOf(denial) };
  switch (reason) {
    case 'PURPOSE_REQUIRED':
      return new AppError('PURPOSE_REQUIRED', audited);
    case 'PURPOSE_UNKNOWN':
      return new AppError('PURPOSE_UNKNOWN', { field: 'purpose', ...audited });
    default:
      return new AppError('FORBIDDEN', { message: FORBIDDEN_MESSAGES[reason], ...audited });
  }
}

/** A test of a whole role list: may an account holding exactly these roles do something? */
export type RoleTest = (roles: readonly string[]) => boolean;

/** Who can administer: manage users (`manage_users` on `system/users`) and the policy (`manage_policies`). */
export interface Administration {
  users: RoleTest;
  policies: RoleTest;
}

/**
 * Whether an account holding `roles` is allowed `action` on `resource` with some purpose the policy configures
 * or with none: a rule restricted to a purpose still makes its holder an administrator (they only have to state
 * it). The whole role list is decided, so a deny rule on one role takes the power of another away. Attributes
 * are not considered: conditions compare record facts, which administrative resources do not have.
 */
export function mayEver(
  policy: Policy,
  roles: readonly string[],
  action: Action,
  resource: PolicyResource,
): boolean {
  const actor: PolicyActor = { id: '', subject: '', roles: [...roles], attributes: {} };
  if (decide(policy, actor, action, resource, {}).allow) return true;
  for (const purpose of policy.purposes)
    if (decide(policy, actor, action, resource, { purpose }).allow) return true;
  return false;
}

/** The administration tests of `policy`. */
export function administrationOf(policy: Policy): Administration {
  const users = { path: resourcePaths.system('users'), sensitive: false };
  const policies = { path: resourcePaths.system('policies'), sensitive: false };
  return {
    users: (roles) => mayEver(policy, roles, 'manage_users', users),
    policies: (roles) => mayEver(policy, roles, 'manage_policies', policies),
  };
}

export function createAuthorizer(deps: {
  policies: Pick<PolicyService, 'policy'> & Partial<Pick<PolicyService, 'current'>>;
}) {
  function decideFor(
    actor: Actor | PolicyActor,
    action: Action,
    resource: PolicyResource,
    context: DecideContext = {},
  ): Decision {
    const policyActor = 'userId' in actor ? policyActorOf(actor) : actor;
    const current = deps.policies.current?.();
    const policy = current?.policy ?? deps.policies.policy();
    const decision = decide(policy, policyActor, action, resource, context);
    if (decision.allow) return decision;
    // A denial says which policy version decided it and, when a deny rule did, which rule (audit trail only).
    const rule =
      decision.reason === 'DENIED_BY_RULE' ? denyingRule(policy, policyActor, action, resource) : null;
    return {
      ...decision,
      ...(rule === null ? {} : { rule }),
      ...(current === undefined ? {} : { policyVersion: current.version }),
    };
  }

  return {
    /** The decision for this request, against the policy in force; never throws. */
    decide: decideFor,

    /**
     * The record conditions under which `decide` allows `action` on the resource at `path` (or asks for a
     * purpose), against the policy in force: what a list or search query applies in storage.
     */
    condition(
      actor: Actor,
      action: Action,
      resource: { path: string; sensitive: boolean },
      context: DecideContext = {},
    ): DecisionCondition {
      const policy = deps.policies.current?.()?.policy ?? deps.policies.policy();
      return decisionCondition(policy, policyActorOf(actor), action, resource, context);
    },

    /** The redaction level the actor may see `resource` at; throws the denial's AppError otherwise. */
    authorize(
      actor: Actor | PolicyActor,
      action: Action,
      resource: PolicyResource,
      context: DecideContext = {},
    ): Redaction {
      const decision = decideFor(actor, action, resource, context);
      if (!decision.allow) throw denialError(decision);
      return decision.redaction;
    },

    /** The purposes the policy in force configures. */
    purposes(): ReadonlySet<string> {
      return deps.policies.policy().purposes;
    },

    /** The roles the policy in force defines. */
    roles(): ReadonlySet<string> {
      return new Set(deps.policies.policy().roles.keys());
    },

    /** What accounts may administer under `policy` (default: the policy in force); see administrationOf. */
    administration(policy: Policy = deps.policies.policy()): Administration {
      return administrationOf(policy);
    },
  };
}

export type Authorizer = ReturnType<typeof createAuthorizer>;
