/**
 * Loads a policy document (JSON) into a frozen `Policy`. Validation is strict and fails on the first problem
 * with VALIDATION_FAILED whose `field` is the path of the offending part (`roles.nurse.rules[0].actions[1]`).
 *
 *   { "version": 1,
 *     "purposes": ["support", "billing", "fraud_prevention", "data_subject_request"],
 *     "roles": { "<role>": {
 *       "quotas": { "detokenize": { "capacity": 100, "per_minute": 10 } },   optional, see compile-quotas.ts
 *       "rules": [ {
 *         "effect": "allow" | "deny",
 *         "actions": ["read", ...],                       non-empty, from ACTIONS
 *         "resources": ["collections/patients/fields/*"], non-empty, see resource-pattern.ts
 *         "redaction": "plain" | "masked" | "redacted",   allow only; defaults to "redacted"
 *         "purposes": ["support"],                        allow only; the rule matches only these purposes
 *         "condition": { "subject": { "equals": "$actor.subject" } }   see condition.ts
 *     } ] } } }
 *
 * Invariants: unknown keys, operators, actions, redactions and purposes are errors, never ignored, so a typo
 * cannot silently widen or narrow access; error messages name paths and key names (unusual keys are not echoed)
 * but never values; the compiled policy is frozen. Deny rules take no redaction or purposes: a deny applies
 * whatever the purpose, so it cannot be sidestepped by stating a different one.
 */

import { compileRoleQuotas, type RoleQuotas } from './compile-quotas.js';
import { type Condition, compileCondition } from './condition.js';
import { describeKey, invalidPolicy, keyPath } from './policy-error.js';
import { checkPolicyLimits } from './policy-limits.js';
import { ACTIONS, type Action, REDACTIONS, type Redaction } from './policy-types.js';
import { parseResourcePattern, type ResourcePattern } from './resource-pattern.js';

export interface PolicyRule {
  readonly effect: 'allow' | 'deny';
  readonly actions: ReadonlySet<Action>;
  readonly resources: readonly ResourcePattern[];
  readonly redaction: Redaction;
  /** null: the rule matches whatever the purpose (or none). */
  readonly purposes: ReadonlySet<string> | null;
  /** null: the rule matches every record (and requests with no record). */
  readonly condition: Condition | null;
}

export interface Policy {
  readonly purposes: ReadonlySet<string>;
  readonly roles: ReadonlyMap<string, readonly PolicyRule[]>;
  /** Each role's own quotas (only the groups it sets). */
  readonly quotas: ReadonlyMap<string, RoleQuotas>;
}

const PURPOSE = /^[a-z][a-z0-9_]{0,63}$/;
const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
const RULE_KEYS = ['effect', 'actions', 'resources', 'redaction', 'purposes', 'condition'];

function isObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function asObject(raw: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(raw)) throw invalidPolicy(path, 'must be an object');
  const keys = Object.keys(raw);
  const unknown = keys.findIndex((key) => !allowed.includes(key));
  if (unknown !== -1)
    throw invalidPolicy(path, `has an unknown key ${describeKey(keys[unknown] ?? '', unknown)}`);
  return raw;
}

function asNonEmptyArray(raw: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(raw) || raw.length === 0) throw invalidPolicy(path, 'must be a non-empty array');
  return raw;
}

function oneOf<T extends string>(raw: unknown, choices: readonly T[], path: string): T {
  const found = choices.find((choice) => choice === raw);
  if (found === undefined) throw invalidPolicy(path, `must be one of ${choices.join(', ')}`);
  return found;
}

/** A list of purposes; when `configured` is given, each must be one of them. */
function compilePurposes(raw: unknown, path: string, configured?: ReadonlySet<string>): ReadonlySet<string> {
  if (!Array.isArray(raw)) throw invalidPolicy(path, 'must be an array');
  return new Set(
    raw.map((purpose, i) => {
      if (typeof purpose !== 'string' || !PURPOSE.test(purpose)) {
        throw invalidPolicy(`${path}[${i}]`, 'must match [a-z][a-z0-9_]{0,63}');
      }
      if (configured !== undefined && !configured.has(purpose)) {
        throw invalidPolicy(`${path}[${i}]`, 'is not one of the configured purposes');
      }
      return purpose;
    }),
  );
}

function compileRule(raw: unknown, path: string, configured: ReadonlySet<string>): PolicyRule {
  const rule = asObject(raw, path, RULE_KEYS);
  const effect = oneOf(rule.effect, ['allow', 'deny'] as const, `${path}.effect`);
  const actions = asNonEmptyArray(rule.actions, `${path}.actions`).map((action, i) =>
    oneOf(action, ACTIONS, `${path}.actions[${i}]`),
  );
  const resources = asNonEmptyArray(rule.resources, `${path}.resources`).map((pattern, i) =>
    parseResourcePattern(pattern, `${path}.resources[${i}]`),
  );
  if (effect === 'deny' && rule.redaction !== undefined) {
    throw invalidPolicy(`${path}.redaction`, 'is only allowed on allow rules');
  }
  if (effect === 'deny' && rule.purposes !== undefined) {
    throw invalidPolicy(`${path}.purposes`, 'is only allowed on allow rules');
  }
  const redaction =
    rule.redaction === undefined ? 'redacted' : oneOf(rule.redaction, REDACTIONS, `${path}.redaction`);
  let purposes: ReadonlySet<string> | null = null;
  if (rule.purposes !== undefined) {
    asNonEmptyArray(rule.purposes, `${path}.purposes`);
    purposes = compilePurposes(rule.purposes, `${path}.purposes`, configured);
  }
  const condition =
    rule.condition === undefined ? null : compileCondition(rule.condition, `${path}.condition`);
  return Object.freeze({
    effect,
    actions: new Set(actions),
    resources: Object.freeze(resources),
    redaction,
    purposes,
    condition: condition === null ? null : Object.freeze(condition),
  });
}

/**
 * Validates a policy document and returns the compiled, frozen policy; throws VALIDATION_FAILED with the path.
 * A new document must also keep within POLICY_LIMITS; a stored one (`{ stored: true }`, written by an earlier
 * release that had no limits) is compiled without them, so an upgrade never stops a server from starting.
 */
export function compilePolicy(document: unknown, options: { stored?: boolean } = {}): Policy {
  if (options.stored !== true) checkPolicyLimits(document);
  const root = asObject(document, '$', ['version', 'purposes', 'roles']);
  if (root.version !== 1) throw invalidPolicy('$.version', 'must be 1');
  const purposes = compilePurposes(root.purposes, '$.purposes');
  const rawRoles = root.roles;
  if (!isObject(rawRoles)) throw invalidPolicy('$.roles', 'must be an object');
  const roles = new Map<string, readonly PolicyRule[]>();
  const quotas = new Map<string, RoleQuotas>();
  for (const [index, name] of Object.keys(rawRoles).entries()) {
    if (!ROLE.test(name))
      throw invalidPolicy('$.roles', `has an invalid role name ${describeKey(name, index)}`);
    const path = keyPath('$.roles', name, index);
    const role = asObject(rawRoles[name], path, ['rules', 'quotas']);
    if (!Array.isArray(role.rules)) throw invalidPolicy(`${path}.rules`, 'must be an array');
    const rules = role.rules.map((rule, i) => compileRule(rule, `${path}.rules[${i}]`, purposes));
    roles.set(name, Object.freeze(rules));
    quotas.set(name, compileRoleQuotas(role.quotas, `${path}.quotas`));
  }
  return Object.freeze({ purposes, roles, quotas });
}
