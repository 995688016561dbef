/**
 * Record-level and field-level authorization: asks the policy (policy/decide.ts through the authorizer) about a
 * collection, a record and each of its fields, with the facts conditions may compare.
 * Invariants:
 * - Facts come from storage, never from the request: `created_by`, the record's `subject` (its keyed HMAC; the
 *   actor carries its user's subject as the same HMAC, so neither is ever compared in clear) and the
 *   record's non-sensitive values (e.g. `tenant_id`).
 * - Every field is decided on its own (`collections/<c>/fields/<f>`, sensitive or not per the schema), so a field
 *   the caller may not see is never decrypted for output nor serialized; a denial keeps its reason.
 * Threats addressed: broken object- and field-level authorization (OWASP API1/API3/API5).
 */
import {
  type Action,
  type Decision,
  type DecisionCondition,
  type PolicyActor,
  resourcePaths,
  type Scalar,
} from '../../policy/index.js';
import { type Authorizer, policyActorOf } from '../authorizer.js';
import type { Collection } from '../collection-service.js';
import { type Caller, purposeOf } from './caller.js';
import type { RecordFacts } from './record-facts.js';

type FieldConditionArgs = [
  caller: Caller,
  action: Action,
  collection: Collection,
  names?: readonly string[],
  context?: { purpose?: string },
];

/**
 * For each named field (all declared when `names` is undefined), the record conditions under which the policy
 * allows it (record-visibility.ts puts them into the query). `context` replaces the caller's purpose.
 */
function conditionsOf(
  authorizer: Pick<Authorizer, 'condition'>,
  ...[caller, action, collection, names, context = purposeOf(caller)]: FieldConditionArgs
): Map<string, DecisionCondition> {
  const wanted = names === undefined ? null : new Set(names);
  const conditions = new Map<string, DecisionCondition>();
  for (const field of collection.fields) {
    if (wanted !== null && !wanted.has(field.name)) continue;
    const resource = { path: resourcePaths.field(collection.name, field.name), sensitive: field.sensitive };
    conditions.set(field.name, authorizer.condition(caller.actor, action, resource, context));
  }
  return conditions;
}

export function createRecordAccess(deps: { authorizer: Authorizer }) {
  function policyActor(caller: Caller): PolicyActor {
    return policyActorOf(caller.actor);
  }

  function record(facts: RecordFacts | undefined): Record<string, Scalar> | undefined {
    if (facts === undefined) return undefined;
    const out: Record<string, Scalar> = { ...facts.plain };
    if (facts.createdBy !== null) out.created_by = facts.createdBy;
    if (facts.subjectHash !== null) out.subject = facts.subjectHash;
    return out;
  }

  /** The decision for each named field of the collection (all declared fields when `names` is undefined). */
  function fields(
    caller: Caller,
    action: Action,
    collection: Collection,
    facts: RecordFacts | undefined,
    names?: readonly string[],
  ): Map<string, Decision> {
    const actor = policyActor(caller);
    const withRecord = record(facts);
    const wanted = names === undefined ? null : new Set(names);
    const decisions = new Map<string, Decision>();
    for (const field of collection.fields) {
      if (wanted !== null && !wanted.has(field.name)) continue;
      const resource = {
        path: resourcePaths.field(collection.name, field.name),
        sensitive: field.sensitive,
      };
      decisions.set(
        field.name,
        deps.authorizer.decide(
          actor,
          action,
          withRecord === undefined ? resource : { ...resource, record: withRecord },
          purposeOf(caller),
        ),
      );
    }
    return decisions;
  }

  return {
    /** The decision on the collection itself (create in it, delete or erase a whole record, its subject id). */
    collection(
      caller: Caller,
      action: Action,
      collection: Collection,
      facts?: RecordFacts,
      sensitive = false,
    ): Decision {
      const resource = { path: resourcePaths.collection(collection.name), sensitive };
      const withRecord = record(facts);
      return deps.authorizer.decide(
        policyActor(caller),
        action,
        withRecord === undefined ? resource : { ...resource, record: withRecord },
        purposeOf(caller),
      );
    },
    /**
     * True when the caller may see no field of the record for a reason a purpose would not fix: the record does
     * not exist for them, and every route answers as for a missing record (no existence oracle across tenants).
     * `reads` may pass the caller's read decisions on the record when they are already at hand.
     */
    hidden(
      caller: Caller,
      collection: Collection,
      facts: RecordFacts,
      reads: Map<string, Decision> = fields(caller, 'read', collection, facts),
    ): boolean {
      const decisions = [...reads.values()];
      if (decisions.length === 0 || decisions.some((d) => d.allow)) return false;
      if (!decisions.some((d) => !d.allow && d.reason === 'PURPOSE_REQUIRED')) return true;
      // decide() asks for a purpose before it looks at conditions: the record is visible only if some configured
      // purpose would show a field of it (so another tenant's record stays hidden when no purpose is stated).
      for (const purpose of deps.authorizer.purposes()) {
        const withPurpose = fields({ ...caller, purpose }, 'read', collection, facts);
        if ([...withPurpose.values()].some((d) => d.allow)) return false;
      }
      return true;
    },
    /** The decision on free-standing tokens of `type` (tokenize a value, detokenize or delete its token). */
    token(caller: Caller, action: Action, type: string, createdBy: string | null): Decision {
      return deps.authorizer.decide(
        policyActor(caller),
        action,
        {
          path: resourcePaths.token(type),
          sensitive: true,
          ...(createdBy === null ? {} : { record: { created_by: createdBy } }),
        },
        purposeOf(caller),
      );
    },
    fields,
    /** For each named field (all when `names` is undefined), the conditions `fields` would allow it under. */
    fieldConditions: (...args: FieldConditionArgs) => conditionsOf(deps.authorizer, ...args),
    /** The purposes the policy in force configures. */
    purposes(): ReadonlySet<string> {
      return deps.authorizer.purposes();
    },
  };
}

export type RecordAccess = ReturnType<typeof createRecordAccess>;
