/**
 * Writing records: create, partial update, delete. Values are checked against the collection (vault/), the policy
 * decides on the collection and on every written field, sensitive values are encrypted under the newest version of
 * the record's data key (the subject's, else the collection's), and the record, its filter attributes, blind
 * indexes and its audit event are written in one transaction.
 * Invariants: bad input and denials change nothing (all checks run before anything is written); a data change
 * commits with its audit event or not at all; a write never uses a data key version older than the newest, so a
 * running rotation only ever has old records left to move; an update that finds its record on an older key
 * version re-encrypts every value, so a record is always on exactly one version; concurrent writers (and the
 * rotation job) cannot overwrite each other (revision check, bounded retries, then 409).
 * Threats addressed: lost updates, values left under retired keys, half-written records, unaudited changes.
 */
import { createRecordCreation } from './create-record.js';
import { createRecordDeletion } from './delete-record.js';
import { createRecordUpdate } from './update-record.js';
import { createWriteChecks } from './write-checks.js';
import type { RecordWriteDeps } from './write-common.js';

export function createRecordService(deps: RecordWriteDeps) {
  const checks = createWriteChecks(deps.access);
  return {
    create: createRecordCreation(deps, checks),
    update: createRecordUpdate(deps, checks),
    delete: createRecordDeletion(deps),
  };
}

export type RecordService = ReturnType<typeof createRecordService>;
