/**
 * Which rule made `decide` answer DENIED_BY_RULE: the first deny rule, in the actor's role order and the
 * document's rule order, that matches. Pure, like `decide`; asked only after a denial, so decisions stay cheap.
 * The answer names a position in the policy document (`roles.<role>.rules[<index>]`), never a record value.
 */
import type { Policy } from './compile-policy.js';
import { matches } from './decide.js';
import type { Action, PolicyActor, PolicyResource, RuleRef } from './policy-types.js';
import { parseResourcePath } from './resource-pattern.js';

/** The deny rule of `actor`'s roles that matches, or null when none does. */
export function denyingRule(
  policy: Policy,
  actor: PolicyActor,
  action: Action,
  resource: PolicyResource,
): RuleRef | null {
  const segments = parseResourcePath(resource.path);
  if (segments === null) return null;
  for (const role of new Set(actor.roles)) {
    const rules = policy.roles.get(role) ?? [];
    const index = rules.findIndex(
      (rule) => rule.effect === 'deny' && matches(rule, actor, action, segments, resource),
    );
    if (index >= 0) return { role, index };
  }
  return null;
}
