/**
 * Changes to an existing collection: adding an optional field, and dropping the collection.
 * Invariants:
 * - an added field is optional (records stored before it have no value, and reads show it absent) and nothing
 *   already stored is rewritten; the definitions change under the collections lock, so two additions cannot
 *   overwrite each other;
 * - a drop is one transaction with its audit event: the collection's data key and blind index key are destroyed
 *   (every version's wrapped bytes overwritten: crypto-shredding, as for an erasure), and its records, their
 *   attributes, blind indexes and tokens deleted with the collection row; it is refused while a key job runs on
 *   either key (KEY_JOB_RUNNING), and without `confirm` equal to the collection's name (VALIDATION_FAILED naming
 *   `confirm`), so a slip of the keyboard does not destroy data. Afterwards the database log is checkpointed.
 * Not addressed: ciphertexts of records that have a subject are sealed under the subject's key, which other
 *   collections share and the drop does not destroy: their rows are deleted (and SQLite's secure_delete and the
 *   checkpoint overwrite them), but a backup holding those rows and the subject's key could still open them (see
 *   README, "Erasure and backups"); the same holds for the values behind the collection's tokens, which are sealed
 *   under the vault-wide token key (tokenizations of a record's field hold off the drop, so it deletes all of
 *   them); nodes that cached the definition may hold it for up to the cache's lifetime, but their record writes
 *   hold off the drop and find the collection gone, and their empty reads check it (records/live-collection.ts).
 */
import { AppError } from '../errors.js';
import type { Stores, Transactor } from '../storage/index.js';
import { checkFieldDefinitions, MAX_FIELDS } from '../vault/index.js';
import type { AuditInput, AuditTrail } from './audit/index.js';
import { type Collection, type CollectionInput, toCollection } from './collection-model.js';
import type { KeyService } from './key-service.js';
import { inAuditedTransaction } from './records/record-transaction.js';

type FieldInput = CollectionInput['fields'][number];
type Requester = Omit<AuditInput, 'action' | 'outcome' | 'resource'>;

/** A field definition's problem, named from the request body (`fields/0/type` → `type`). */
function checkAddedField(field: FieldInput) {
  try {
    const [checked] = checkFieldDefinitions([field], 'field');
    if (checked === undefined) throw new AppError('INTERNAL_ERROR');
    return checked;
  } catch (error) {
    if (error instanceof AppError && error.field?.startsWith('field/0/')) {
      const name = error.field.slice('field/0/'.length);
      throw new AppError('VALIDATION_FAILED', {
        field: name,
        message: `${name}${error.message.slice(error.field.length)}`,
      });
    }
    throw error;
  }
}

export function createCollectionChanges(deps: {
  transactor: Transactor;
  keys: Pick<KeyService, 'forget'>;
  audit: Pick<AuditTrail, 'appendInTransaction'>;
  /** Drops this node's cached definition of `name`. */
  forgetCached: (name: string) => void;
  /** Runs after a drop commits: moves what it overwrote out of the database's log. */
  checkpointLog?: () => Promise<void>;
  clock: () => number;
}) {
  async function lockedRow(stores: Stores, name: string) {
    await stores.collections.lockForCreate();
    const row = await stores.collections.findByName(name);
    if (row === null) throw new AppError('COLLECTION_NOT_FOUND');
    return row;
  }

  return {
    /** Adds optional field `field` to collection `name`; existing records are left as they are. */
    async addField(name: string, field: FieldInput, event: Requester): Promise<Collection> {
      if (field.required === true) {
        throw new AppError('VALIDATION_FAILED', {
          field: 'required',
          message: 'required cannot be true: records stored before the field have no value for it',
        });
      }
      const added = checkAddedField(field);
      let updated: Collection | undefined;
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        const row = await lockedRow(stores, name);
        const collection = toCollection(row);
        if (collection.fields.some((f) => f.name === added.name))
          throw new AppError('VALIDATION_FAILED', {
            field: 'name',
            message: 'name is already a field of the collection',
          });
        if (collection.fields.length >= MAX_FIELDS)
          throw new AppError('VALIDATION_FAILED', {
            field: 'name',
            message: `name would be field ${MAX_FIELDS + 1}`,
          });
        const fields = [...collection.fields, added];
        await stores.collections.updateFields(row.id, JSON.stringify(fields));
        updated = { ...collection, fields };
        return [
          {
            ...event,
            action: 'collection.update',
            resource: { collection: name, fields: [added.name] },
            outcome: 'allowed',
          },
        ];
      });
      deps.forgetCached(name);
      if (updated === undefined) throw new AppError('INTERNAL_ERROR');
      return updated;
    },

    /** Drops collection `name` with its records and destroys its keys; `confirm` must repeat the name. */
    async drop(name: string, confirm: string | undefined, event: Requester): Promise<{ records: number }> {
      if (confirm !== name) {
        throw new AppError('VALIDATION_FAILED', {
          field: 'confirm',
          message: 'confirm must be the name of the collection to drop',
        });
      }
      let dropped: { keyId: string; indexKeyId: string; records: number } | undefined;
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        const row = await lockedRow(stores, name);
        // A rotation re-encrypting under a key that is about to be destroyed would fail half-way.
        if (
          (await stores.keyJobs.findRunning('collection', row.keyId)) !== null ||
          (await stores.keyJobs.findRunning('index', row.indexKeyId)) !== null
        )
          throw new AppError('KEY_JOB_RUNNING');
        const now = deps.clock();
        await stores.keys.destroyDataKey(row.keyId, now);
        await stores.keys.destroyDataKey(row.indexKeyId, now);
        const records = await stores.collections.dropWithData(row.id);
        dropped = { keyId: row.keyId, indexKeyId: row.indexKeyId, records };
        return [{ ...event, action: 'collection.drop', resource: { collection: name }, outcome: 'allowed' }];
      });
      if (dropped === undefined) throw new AppError('INTERNAL_ERROR');
      deps.forgetCached(name);
      deps.keys.forget(dropped.keyId);
      deps.keys.forget(dropped.indexKeyId);
      await deps.checkpointLog?.();
      return { records: dropped.records };
    },
  };
}
