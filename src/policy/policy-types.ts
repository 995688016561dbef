/**
 * The vocabulary of the policy engine: actions, redaction levels, the inputs `decide` reads and the decision it
 * returns. Types only plus the two closed lists; no behaviour.
 */

/** Every action a rule can grant or deny. Closed: an unknown action in a document or a request is refused. */
export const ACTIONS = [
  'read',
  'write',
  'delete',
  'search',
  'tokenize',
  'detokenize',
  'erase',
  'manage_keys',
  'manage_users',
  'manage_policies',
  'manage_collections',
  'read_audit',
  'introspect',
  'read_metrics',
  'read_posture',
  'reset_passwords',
  'manage_service_accounts',
  'drop_collections',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that reveal stored values; on a sensitive resource they must state a configured purpose. */
export const REVEALING_ACTIONS: ReadonlySet<Action> = new Set<Action>(['read', 'search', 'detokenize']);

/** Redaction levels, ordered from least to most revealing. */
export const REDACTIONS = ['redacted', 'masked', 'plain'] as const;
export type Redaction = (typeof REDACTIONS)[number];

/** A value a condition can compare: conditions never look inside objects or arrays. */
export type Scalar = string | number | boolean;

/**
 * Who asks, reduced to what the policy reads: `id` is the authenticated user's id (`$actor.id`, compared with
 * e.g. a record's `created_by`), `subject` the person's subject id in the keyed-HMAC form records hold it in
 * (`$actor.subject`; '' when none),
 * `attributes` non-secret claims such as `tenant_id`.
 */
export interface PolicyActor {
  id?: string;
  subject: string;
  roles: readonly string[];
  attributes?: Readonly<Record<string, Scalar>>;
}

/**
 * What is acted on: a `/`-separated path such as `collections/patients/fields/ssn`, whether it holds sensitive
 * data (from the collection schema, not from the caller), and the record's non-sensitive attributes that
 * conditions may compare (`subject`, `tenant_id`). No `record` means every condition fails.
 */
export interface PolicyResource {
  path: string;
  sensitive: boolean;
  record?: Readonly<Record<string, Scalar>>;
}

/** Per-request context: the stated purpose of the access, if any. */
export interface DecideContext {
  purpose?: string;
}

export const DENY_REASONS = Object.freeze([
  'INVALID_REQUEST',
  'PURPOSE_UNKNOWN',
  'DENIED_BY_RULE',
  'PURPOSE_REQUIRED',
  'NO_MATCHING_RULE',
] as const);

export type DenyReason = (typeof DENY_REASONS)[number];

/** A rule of the policy document: `roles.<role>.rules[<index>]`. */
export interface RuleRef {
  role: string;
  index: number;
}

/**
 * An allow with its redaction, or a denial with its reason. `decide` gives the reason only; the authorizer adds
 * the policy version it decided with, and for DENIED_BY_RULE the deny rule that matched (for the audit trail).
 */
export type Decision =
  | { allow: true; redaction: Redaction }
  | { allow: false; reason: DenyReason; rule?: RuleRef; policyVersion?: number };

/**
 * How big a policy document may be. compilePolicy refuses more (VALIDATION_FAILED naming the path), so the policy
 * engine's work per decision and the published document both stay bounded.
 */
export const POLICY_LIMITS = Object.freeze({
  roles: 256,
  rulesPerRole: 256,
  resourcesPerRule: 64,
  purposes: 64,
  resourceLength: 1024,
  conditionEntries: 16,
  literalLength: 256,
});
