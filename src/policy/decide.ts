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

function isAction(value: unknown): value is Action {
  return ACTIONS.some((action) => action === value);
}

function isWellFormedActor(actor: unknown): actor is PolicyActor {
  if (typeof actor !== 'object' || actor === null) return false;
  const { subject, roles } = actor as Record<string, unknown>;
  return (
    typeof subject === 'string' && Array.isArray(roles) && roles.every((role) => typeof role === 'string')
  );
}

// Rules per compiled policy and role list: a read asks about every field of a record with the same actor.
const rulesByPolicy = new WeakMap<Policy, Map<string, PolicyRule[]>>();

function rulesOf(policy: Policy, actor: PolicyActor): PolicyRule[] {
  let byRoles = rulesByPolicy.get(policy);
  if (byRoles === undefined) {
    byRoles = new Map();
    rulesByPolicy.set(policy, byRoles);
  }
  const key = actor.roles.join('\u0000');
  let rules = byRoles.get(key);
  if (rules === undefined) {
    // Deduplicate so a role listed twice is evaluated once.
    rules = [...new Set(actor.roles)].flatMap((role) => policy.roles.get(role) ?? []);
    if (byRoles.size >= 1000) byRoles.clear();
    byRoles.set(key, rules);
  }
  return rules;
}

function matches(
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

/** Decides whether `actor` may perform `action` on `resource` for `context.purpose`; pure and total. */
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

    const rules = rulesOf(policy, actor).filter((rule) => matches(rule, actor, action, segments, resource));
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
  } catch {
    // Unreachable for inputs of the declared types; a hostile getter or proxy still gets a denial, not a throw.
    return INVALID;
  }
}
