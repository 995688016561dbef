/**
 * The policy decision: pure, synchronous, no I/O. Given a compiled policy, who asks, what they want to do, on
 * what, and why, it returns `{ allow: true, redaction }` or `{ allow: false, reason }`.
 *
 * Order of evaluation (the first that applies decides):
 * 1. INVALID_REQUEST  — unknown action, malformed resource path, or inputs of the wrong shape;
 * 2. PURPOSE_UNKNOWN  — a purpose was stated and is not in the policy's configured list;
 * 3. DENIED_BY_RULE   — a deny rule of any of the actor's roles matches (action, resource, condition);
 * 4. PURPOSE_REQUIRED — a revealing action (read, search, detokenize) on a sensitive resource, no purpose;
 * 5. allow            — at least one allow rule matches (action, resource, condition, and purpose if the rule
 *                       restricts purposes); the redaction is the MOST revealing among the matching allows,
 *                       since roles are a union of grants;
 * 6. NO_MATCHING_RULE — otherwise (deny by default).
 *
 * Invariants: deny by default; a matching deny beats every allow; a failed condition means "this rule does not
 * match", for allows and denies alike (so a deny conditioned on a record attribute does not apply to a record
 * without it — confine access with allows, use denies for carve-outs); adding a deny rule can never turn a deny
 * into an allow and adding an allow rule can never turn an allow into a deny or lower its redaction (tested as
 * properties); roles the policy does not define grant nothing; never throws, whatever it is given.
 * Not addressed: whether the actor, resource attributes and sensitivity are true — callers must derive them
 * from authentication and storage, never from the request body.
 */

import type { Policy, PolicyRule } from './compile-policy.js';
import { evaluateCondition } from './condition.js';
import {
  ACTIONS,
  type Action,
  type DecideContext,
  type Decision,
  type PolicyActor,
  type PolicyResource,
  REDACTIONS,
  REVEALING_ACTIONS,
  type Redaction,
} from './policy-types.js';
import { matchesResource, parseResourcePath } from './resource-pattern.js';

const INVALID: Decision = Object.freeze({ allow: false, reason: 'INVALID_REQUEST' });

function deny(reason: Exclude<Decision, { allow: true }>['reason']): Decision {
  return { allow: false, reason };
}

export function isAction(value: unknown): value is Action {
  return ACTIONS.some((action) => action === value);
}

export function isWellFormedActor(actor: unknown): actor is PolicyActor {
  if (typeof actor !== 'object' || actor === null) return false;
  const { subject, roles } = actor as Record<string, unknown>;
  return (
    typeof subject === 'string' && Array.isArray(roles) && roles.every((role) => typeof role === 'string')
  );
}

/** The rules of one role list under one policy, and decisions remembered for it when no rule has a condition. */
interface RoleRules {
  rules: PolicyRule[];
  /** Without conditions a decision depends only on action, path, sensitivity and purpose: it can be reused. */
  decisions: Map<string, Decision> | null;
}

// Per compiled policy and role list: a read asks about every field of a record with the same actor.
const rulesByPolicy = new WeakMap<Policy, Map<string, RoleRules>>();
const MAX_ROLE_LISTS = 1000;
const MAX_DECISIONS = 10_000;

function rulesOf(policy: Policy, actor: PolicyActor): RoleRules {
  let byRoles = rulesByPolicy.get(policy);
  if (byRoles === undefined) {
    byRoles = new Map();
    rulesByPolicy.set(policy, byRoles);
  }
  const key = actor.roles.join('\u0000');
  let entry = byRoles.get(key);
  if (entry === undefined) {
    // Deduplicate so a role listed twice is evaluated once.
    const rules = [...new Set(actor.roles)].flatMap((role) => policy.roles.get(role) ?? []);
    entry = { rules, decisions: rules.some((rule) => rule.condition !== null) ? null : new Map() };
    if (byRoles.size >= MAX_ROLE_LISTS) byRoles.clear();
    byRoles.set(key, entry);
  }
  return entry;
}

/** The rules of every role of `actor` (each role once), in role and document order. */
export function actorRules(policy: Policy, actor: PolicyActor): readonly PolicyRule[] {
  return rulesOf(policy, actor).rules;
}

/** True when `rule` applies to this action, resource path (parsed) and record. */
export function matches(
  rule: PolicyRule,
  actor: PolicyActor,
  action: Action,
  segments: readonly string[],
  resource: PolicyResource,
): boolean {
  return (
    rule.actions.has(action) &&
    rule.resources.some((pattern) => matchesResource(pattern, segments)) &&
    (rule.condition === null || evaluateCondition(rule.condition, actor, resource.record))
  );
}

function decideWith(
  all: readonly PolicyRule[],
  actor: PolicyActor,
  action: Action,
  segments: readonly string[],
  resource: PolicyResource,
  purpose: string | undefined,
): Decision {
  const rules = all.filter((rule) => matches(rule, actor, action, segments, resource));
  if (rules.some((rule) => rule.effect === 'deny')) return deny('DENIED_BY_RULE');
  if (resource.sensitive && REVEALING_ACTIONS.has(action) && purpose === undefined) {
    return deny('PURPOSE_REQUIRED');
  }
  let best: Redaction | undefined;
  for (const rule of rules) {
    if (rule.effect !== 'allow') continue;
    if (rule.purposes !== null && (purpose === undefined || !rule.purposes.has(purpose))) continue;
    if (best === undefined || REDACTIONS.indexOf(rule.redaction) > REDACTIONS.indexOf(best))
      best = rule.redaction;
  }
  return best === undefined ? deny('NO_MATCHING_RULE') : { allow: true, redaction: best };
}

/**
 * Decides whether `actor` may perform `action` on `resource` for `context.purpose`; pure and total. When none of the
 * actor's rules has a condition, the decision depends only on action, path, sensitivity and purpose, and is
 * remembered per policy version and role list (the policy is immutable, so nothing can go stale).
 */
export function decide(
  policy: Policy,
  actor: PolicyActor,
  action: Action,
  resource: PolicyResource,
  context: DecideContext = {},
): Decision {
  try {
    if (!isWellFormedActor(actor) || !isAction(action)) return INVALID;
    if (typeof resource !== 'object' || resource === null || typeof resource.sensitive !== 'boolean')
      return INVALID;
    const segments = parseResourcePath(resource.path);
    if (segments === null) return INVALID;
    const purpose = context?.purpose;
    if (purpose !== undefined && (typeof purpose !== 'string' || !policy.purposes.has(purpose))) {
      return deny('PURPOSE_UNKNOWN');
    }

    const roleRules = rulesOf(policy, actor);
    const memoKey = `${action}\u0000${resource.path}\u0000${resource.sensitive}\u0000${purpose ?? ''}`;
    const remembered = roleRules.decisions?.get(memoKey);
    if (remembered !== undefined) return remembered;
    const decision = Object.freeze(decideWith(roleRules.rules, actor, action, segments, resource, purpose));
    if (roleRules.decisions !== null) {
      if (roleRules.decisions.size >= MAX_DECISIONS) roleRules.decisions.clear();
      roleRules.decisions.set(memoKey, decision);
    }
    return decision;
  } catch {
    // Unreachable for inputs of the declared types; a hostile getter or proxy still gets a denial, not a throw.
    return INVALID;
  }
}
