/**
 * Master key rotation: rewraps every data key still wrapped by an older master version under the newest one,
 * then retires the older master versions. Values are not touched: their data keys do not change.
 * Invariants: a data key is rewrapped in place (same key, new wrapping) and the batch commits with the job's
 * progress; an old master version is retired (its sealed copy emptied) only when no data key is wrapped by it.
 * Threats addressed: an old master key, once exposed, still opening the data keys. Not addressed: another node
 * that has not reloaded its master versions wrapping a new data key under a retired one (single-writer deployments
 * reload at once; see README, key rotation).
 */
import type { Stores, Transactor } from '../../storage/index.js';
import type { KeyService } from '../key-service.js';
import { commitBatch, type JobHandler } from './job-handler.js';

export function createDataKeyRewrap(deps: {
  transactor: Transactor;
  stores: Stores;
  keys: KeyService;
}): JobHandler {
  return {
    async prepare(job) {
      await deps.keys.reloadMasters();
      if (deps.keys.currentMasterVersion() < job.toVersion) throw new Error('master key version is missing');
    },
    async batch(job, _cursor, limit, commit) {
      // Rewrapping shrinks the set, so every batch starts from the beginning of what is left.
      const rows = await deps.stores.keys.listWrappedBelow(job.toVersion, limit);
      const last = rows[rows.length - 1];
      if (last === undefined) return 0;
      const progress = { cursor: `${last.keyId}:${last.version}`, passed: rows.length };
      return commitBatch(deps.transactor, commit, progress, async (stores) => {
        for (const row of rows)
          await deps.keys.rewrap(stores.keys, { keyId: row.keyId, keyVersion: row.version });
      });
    },
    async remaining(stores, job) {
      return stores.keys.countWrappedBelow(job.toVersion);
    },
    async retire(stores, job, now) {
      for (const master of await stores.keys.listMasterKeys()) {
        if (master.version < job.toVersion && master.retiredAt === null) {
          await stores.keys.retireMasterKey(master.version, now);
        }
      }
    },
    async afterRetire() {
      // Drops the retired versions from this node's memory.
      await deps.keys.reloadMasters();
    },
  };
}
