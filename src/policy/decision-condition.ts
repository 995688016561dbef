/**
 * The policy decision as a condition on the record: for a fixed actor, action, resource path, sensitivity and
 * purpose, `decide` depends on the record only through the rules' conditions, so the records it would allow (at
 * least at some redaction) and those it would answer PURPOSE_REQUIRED for can be described as a RowCondition.
 * Storage applies it in the query, so a list or search never fetches, let alone decides, a record the caller may
 * not see, and its cost does not grow with how many such records a filter matches.
 * Invariants: mirrors decide.ts step by step (tested as a property: for every record, the condition holds exactly
 * when `decide` allows at that level): an invalid request or an unknown purpose is `never`; a matching deny of
 * any role beats every allow; a revealing action on a sensitive resource without a purpose allows nothing; the
 * redaction is the most revealing of the matching allows, so "at least `level`" is "some allow of that level or
 * above matches"; deny by default (no allow → `never`). Pure, never throws.
 */
import type { Policy, PolicyRule } from './compile-policy.js';
import { rowConditionOf } from './condition.js';
import { actorRules, isAction, isWellFormedActor } from './decide.js';
import {
  type Action,
  type DecideContext,
  type PolicyActor,
  REDACTIONS,
  REVEALING_ACTIONS,
  type Redaction,
} from './policy-types.js';
import { matchesResource, parseResourcePath } from './resource-pattern.js';
import { ALWAYS, allOf, anyOf, NEVER, not, type RowCondition } from './row-condition.js';

export interface DecisionCondition {
  /** The records `decide` allows with a redaction of `level` or more revealing. */
  allows(level: Redaction): RowCondition;
  /** The records `decide` answers PURPOSE_REQUIRED for. */
  purposeRequired: RowCondition;
}

const NOTHING: DecisionCondition = Object.freeze({ allows: () => NEVER, purposeRequired: NEVER });

function ruleCondition(rule: PolicyRule, actor: PolicyActor): RowCondition {
  return rule.condition === null ? ALWAYS : rowConditionOf(rule.condition, actor);
}

/** The conditions under which `decide(policy, actor, action, { ...resource, record }, context)` allows, or asks for a purpose. */
export function decisionCondition(
  policy: Policy,
  actor: PolicyActor,
  action: Action,
  resource: { path: string; sensitive: boolean },
  context: DecideContext = {},
): DecisionCondition {
  try {
    if (!isWellFormedActor(actor) || !isAction(action) || typeof resource?.sensitive !== 'boolean')
      return NOTHING;
    const segments = parseResourcePath(resource.path);
    if (segments === null) return NOTHING;
    const purpose = context?.purpose;
    if (purpose !== undefined && (typeof purpose !== 'string' || !policy.purposes.has(purpose)))
      return NOTHING;

    const rules = actorRules(policy, actor).filter(
      (rule) => rule.actions.has(action) && rule.resources.some((p) => matchesResource(p, segments)),
    );
    const notDenied = not(
      anyOf(rules.filter((rule) => rule.effect === 'deny').map((rule) => ruleCondition(rule, actor))),
    );
    if (resource.sensitive && REVEALING_ACTIONS.has(action) && purpose === undefined) {
      return { allows: () => NEVER, purposeRequired: notDenied };
    }
    const allowing = rules.filter(
      (rule) =>
        rule.effect === 'allow' &&
        (rule.purposes === null || (purpose !== undefined && rule.purposes.has(purpose))),
    );
    return {
      allows(level: Redaction): RowCondition {
        const enough = allowing.filter(
          (rule) => REDACTIONS.indexOf(rule.redaction) >= REDACTIONS.indexOf(level),
        );
        return allOf([notDenied, anyOf(enough.map((rule) => ruleCondition(rule, actor)))]);
      },
      purposeRequired: NEVER,
    };
  } catch {
    // decide() answers INVALID_REQUEST here; it allows nothing.
    return NOTHING;
  }
}
