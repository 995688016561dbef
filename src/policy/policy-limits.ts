/**
 * The size limits of a new policy document (POLICY_LIMITS), checked on the raw document before it is compiled, at
 * the paths compilePolicy names: how many roles, rules, resources, purposes and condition entries, and how long a
 * resource pattern or a condition literal may be. Malformed parts are left to compilePolicy.
 * Threat addressed: a document large enough to slow every decision or the document's readers; the published API
 * description promises these bounds.
 */
import { invalidPolicy, keyPath } from './policy-error.js';
import { ACTIONS, POLICY_LIMITS } from './policy-types.js';

const isObject = (raw: unknown): raw is Record<string, unknown> =>
  typeof raw === 'object' && raw !== null && !Array.isArray(raw);

function atMost(raw: unknown, max: number, path: string): void {
  if (Array.isArray(raw) && raw.length > max) throw invalidPolicy(path, `must have at most ${max} entries`);
}

function checkLength(raw: unknown, max: number, path: string): void {
  if (typeof raw === 'string' && raw.length > max)
    throw invalidPolicy(path, `must be at most ${max} characters`);
}

function checkRule(rule: unknown, path: string): void {
  if (!isObject(rule)) return;
  atMost(rule.actions, ACTIONS.length, `${path}.actions`);
  atMost(rule.resources, POLICY_LIMITS.resourcesPerRule, `${path}.resources`);
  atMost(rule.purposes, POLICY_LIMITS.purposes, `${path}.purposes`);
  if (Array.isArray(rule.resources)) {
    rule.resources.forEach((resource, i) => {
      checkLength(resource, POLICY_LIMITS.resourceLength, `${path}.resources[${i}]`);
    });
  }
  const condition = rule.condition;
  if (!isObject(condition)) return;
  const entries = Object.entries(condition);
  if (entries.length > POLICY_LIMITS.conditionEntries) {
    throw invalidPolicy(
      `${path}.condition`,
      `must name at most ${POLICY_LIMITS.conditionEntries} attributes`,
    );
  }
  for (const [index, [attribute, test]] of entries.entries()) {
    const literal = isObject(test) ? test.equals : undefined;
    checkLength(
      literal,
      POLICY_LIMITS.literalLength,
      `${keyPath(`${path}.condition`, attribute, index)}.equals`,
    );
  }
}

/** Throws VALIDATION_FAILED naming the first part of `document` over a limit. */
export function checkPolicyLimits(document: unknown): void {
  if (!isObject(document)) return;
  atMost(document.purposes, POLICY_LIMITS.purposes, '$.purposes');
  const roles = document.roles;
  if (!isObject(roles)) return;
  if (Object.keys(roles).length > POLICY_LIMITS.roles) {
    throw invalidPolicy('$.roles', `must have at most ${POLICY_LIMITS.roles} roles`);
  }
  for (const [index, [name, role]] of Object.entries(roles).entries()) {
    if (!isObject(role) || !Array.isArray(role.rules)) continue;
    const path = keyPath('$.roles', name, index);
    atMost(role.rules, POLICY_LIMITS.rulesPerRole, `${path}.rules`);
    role.rules.forEach((rule, i) => {
      checkRule(rule, `${path}.rules[${i}]`);
    });
  }
}
