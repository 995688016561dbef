/**
 * Collection data key rotation: re-encrypts the values of every record still under an old version of the key
 * with the newest version, then retires the old versions.
 * Invariants: a record is decrypted with the version it names and written back, re-encrypted, only if its
 * revision is unchanged (a concurrent write, which always uses the newest version, wins and the record is skipped);
 * the records of a batch and the job's progress commit in one transaction; an old version is retired (its wrapped
 * key emptied) only when no live record and no token depends on it.
 * Threats addressed: values left under a key version believed retired; lost updates. Not addressed: a value that
 * fails to decrypt (tampered) stops the job, and its old version then stays live.
 */
import type { RecordChange, RecordRow, Stores, Transactor } from '../../storage/index.js';
import type { KeyService } from '../key-service.js';
import { contentOf, locationOf, type RecordCrypto, sealedFieldsOf } from '../records/index.js';
import { commitBatch, type JobHandler, retireVersionsBelow } from './job-handler.js';

function keyIdOf(job: { keyId: string | null }): string {
  if (job.keyId === null) throw new Error('a collection key job names its key');
  return job.keyId;
}

export function createRecordReencryption(deps: {
  transactor: Transactor;
  stores: Stores;
  keys: KeyService;
  crypto: RecordCrypto;
}): JobHandler {
  async function reencrypt(row: RecordRow, target: number): Promise<RecordChange> {
    const from = locationOf(row);
    const to = { ...from, keyVersion: target };
    const { sealed: resealed, subjectSealed } = await deps.crypto.reseal(deps.stores.keys, from, to, {
      sealed: sealedFieldsOf(row),
      subjectSealed: row.subjectSealed,
    });
    // Re-encryption is not a change of content: everything else, `updatedAt` included, stays as stored.
    return { ...contentOf(row), subjectSealed, keyVersion: target, sealedFields: JSON.stringify(resealed) };
  }

  return {
    async prepare() {},
    async batch(job, cursor, limit, commit) {
      const keyId = keyIdOf(job);
      const rows = await deps.stores.recordQueries.listUnderOldKey(keyId, job.toVersion, cursor, limit);
      const last = rows[rows.length - 1];
      if (last === undefined) return 0;
      const target = await deps.keys.currentVersion(deps.stores.keys, keyId);
      // Decrypt and encrypt outside the transaction, so it holds its locks only for the writes.
      const changes: Array<{ row: RecordRow; change: RecordChange }> = [];
      for (const row of rows) changes.push({ row, change: await reencrypt(row, target) });
      return commitBatch(
        deps.transactor,
        commit,
        { cursor: last.id, passed: rows.length },
        async (stores) => {
          // A false update means a concurrent write moved the record first: it is on the newest version already.
          for (const { row, change } of changes) await stores.records.update(row.id, row.revision, change);
        },
      );
    },
    async remaining(stores, job) {
      return stores.recordQueries.countUnderOldKey(keyIdOf(job), job.toVersion);
    },
    async retire(stores, job, now) {
      const keyId = keyIdOf(job);
      // Tokens are re-encrypted by no job yet: while one depends on an old version, that version stays live.
      if ((await stores.keyJobs.countTokensUnderOldKey(keyId, job.toVersion)) > 0) return;
      await retireVersionsBelow(stores, keyId, job.toVersion, now);
    },
    async afterRetire() {},
  };
}
