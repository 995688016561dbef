/**
 * The policy checks of a write; callers run them all before anything is written, so a denial changes nothing.
 * Invariants: every written field is decided on its own, after the collection-level decision, and the first
 * denial is the answer; an update may not switch off a deny rule that applies to the caller.
 * Threats addressed: broken object- and field-level authorization through writes; lifting a deny by editing the
 * record attribute it is conditioned on (e.g. clearing `vip: true`).
 */
import { AppError } from '../../errors.js';
import type { Action, Decision } from '../../policy/index.js';
import { denialError } from '../authorizer.js';
import type { Collection } from '../collection-service.js';
import type { Caller } from './caller.js';
import type { RecordAccess } from './record-access.js';
import type { RecordFacts } from './record-facts.js';

/** The actions a record's attributes can change the outcome of. */
const RECORD_ACTIONS: readonly Action[] = ['read', 'search', 'write', 'delete', 'tokenize', 'detokenize'];

export function createWriteChecks(access: Pick<RecordAccess, 'collection' | 'fields'>) {
  /** The collection-level decision followed by the decision on each field, in collection order. */
  function decisionsOn(
    caller: Caller,
    action: Action,
    collection: Collection,
    facts: RecordFacts,
    fields?: readonly string[],
  ): Decision[] {
    return [
      access.collection(caller, action, collection, facts),
      ...access.fields(caller, action, collection, facts, fields).values(),
    ];
  }

  return {
    /** Throws the denial of the first written field the policy refuses (collection-level first). */
    assertWritable(
      caller: Caller,
      collection: Collection,
      facts: RecordFacts,
      fields: readonly string[],
    ): void {
      for (const decision of decisionsOn(caller, 'write', collection, facts, fields))
        if (!decision.allow) throw denialError(decision);
    },

    /**
     * Refuses an update that would switch off a deny rule for the caller: a deny conditioned on a record attribute
     * stops matching when the attribute changes, so changing it would open what the deny closes.
     */
    assertNoDenyLifted(
      caller: Caller,
      collection: Collection,
      before: RecordFacts,
      after: RecordFacts,
    ): void {
      for (const action of RECORD_ACTIONS) {
        const was = decisionsOn(caller, action, collection, before);
        const will = decisionsOn(caller, action, collection, after);
        was.forEach((decision, i) => {
          const next = will[i];
          if (
            !decision.allow &&
            decision.reason === 'DENIED_BY_RULE' &&
            (next?.allow || next?.reason !== 'DENIED_BY_RULE')
          ) {
            throw new AppError('FORBIDDEN', {
              message: 'You are not allowed to do this: the change would lift a policy deny',
            });
          }
        });
      }
    },
  };
}

export type WriteChecks = ReturnType<typeof createWriteChecks>;
