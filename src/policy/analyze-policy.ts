/**
 * What a policy grants that a security review asks about (GET /v1/sys/posture, `strongroom check deployment`):
 * allow rules that reveal sensitive fields in plain whatever the stated purpose, and allow rules that grant `**`
 * (every resource). Pure: reads the compiled policy only, decides nothing.
 */
import type { Policy, PolicyRule } from './compile-policy.js';
import { REVEALING_ACTIONS } from './policy-types.js';
import type { ResourcePattern } from './resource-pattern.js';

export interface RuleFinding {
  readonly role: string;
  /** Index of the rule in the role's `rules`. */
  readonly rule: number;
}

export interface PolicyAnalysis {
  /** Allow rules revealing sensitive fields in plain with no `purposes` restriction; `conditional`: a condition narrows them. */
  readonly plainWithoutPurpose: readonly (RuleFinding & { readonly conditional: boolean })[];
  /** Allow rules with `**` (or `*` segments then `**`) among their resources: every resource, present and future. */
  readonly wildcardGrants: readonly RuleFinding[];
}

// The shape of a field's resource path: collections/<collection>/fields/<field>.
const FIELD_SHAPE: readonly (string | null)[] = ['collections', null, 'fields', null];

/** True when `pattern` matches the path of some collection field. */
export function mayMatchField(pattern: ResourcePattern): boolean {
  for (let i = 0; i < FIELD_SHAPE.length; i++) {
    const segment = pattern[i];
    if (segment === undefined) return false;
    if (segment.kind === 'rest') return true;
    const fixed = FIELD_SHAPE[i];
    if (segment.kind === 'literal' && fixed !== null && fixed !== undefined && segment.value !== fixed)
      return false;
  }
  return pattern.length === FIELD_SHAPE.length;
}

// `**`, or any pattern with no fixed segment that ends in `**` (such as */** or */*/**): every resource of its depth.
function isEverything(pattern: ResourcePattern): boolean {
  return pattern.at(-1)?.kind === 'rest' && pattern.every((segment) => segment.kind !== 'literal');
}

function revealsPlainAnyPurpose(rule: PolicyRule): boolean {
  return (
    rule.effect === 'allow' &&
    rule.redaction === 'plain' &&
    rule.purposes === null &&
    [...rule.actions].some((action) => REVEALING_ACTIONS.has(action)) &&
    rule.resources.some(mayMatchField)
  );
}

/** The rules of `policy` a reviewer should look at, role by role in document order. */
export function analyzePolicy(policy: Policy): PolicyAnalysis {
  const plainWithoutPurpose: (RuleFinding & { conditional: boolean })[] = [];
  const wildcardGrants: RuleFinding[] = [];
  for (const [role, rules] of policy.roles) {
    rules.forEach((rule, index) => {
      if (revealsPlainAnyPurpose(rule))
        plainWithoutPurpose.push({ role, rule: index, conditional: rule.condition !== null });
      if (rule.effect === 'allow' && rule.resources.some(isEverything))
        wildcardGrants.push({ role, rule: index });
    });
  }
  return { plainWithoutPurpose, wildcardGrants };
}
