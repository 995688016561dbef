/**
 * The rows an erasure changes, in the caller's transaction (subject-service.ts has the invariants; a restore
 * replays erasures through this too, services/backup/erasure-replay.ts): the subject is marked erased (inserted as
 * erased when unknown, so later writes are refused), its data key destroyed, its records emptied to tombstones,
 * its tokens deleted, its users unlinked, and the erasure recorded.
 */
import { randomUUID } from 'node:crypto';
import { randomBase62 } from '../crypto/index.js';
import type { Stores } from '../storage/index.js';

export interface ErasedRows {
  erasedAt: number;
  records: number;
  tokens: number;
  alreadyErased: boolean;
  /** The destroyed data key's id (null: the subject had none); callers evict it from their caches. */
  keyId: string | null;
}

/** Erases `subjectHash` in `stores` (bound to a transaction); idempotent: an erased subject is left as it is. */
export async function eraseSubjectRows(
  stores: Stores,
  subjectHash: string,
  now: number,
  erasedBy: string | null,
): Promise<ErasedRows> {
  // Waits for writers holding the subject row (see keyFor), and makes new ones wait for this erasure.
  const existing = await stores.subjects.find(subjectHash, 'update');
  if (existing?.erasedAt != null) {
    return { erasedAt: existing.erasedAt, records: 0, tokens: 0, alreadyErased: true, keyId: existing.keyId };
  }
  if (existing === null) {
    // Recorded so that later writes for this subject are refused, as for any erased subject.
    await stores.subjects.insert({
      subjectHash,
      keyId: `s_${randomBase62(22)}`,
      createdAt: now,
      erasedAt: now,
    });
  }
  await stores.subjects.markErased(subjectHash, now, erasedBy);
  const keyId = existing?.keyId ?? null;
  if (keyId !== null) await stores.keys.destroyDataKey(keyId, now);
  const records = await stores.recordQueries.eraseSubject(subjectHash, now);
  const tokens = await stores.subjects.deleteTokens(subjectHash);
  await stores.users.clearSubject(subjectHash, now);
  await stores.subjects.insertErasure({
    id: randomUUID(),
    subjectHash,
    erasedAt: now,
    erasedBy,
    records,
    tokens,
  });
  return { erasedAt: now, records, tokens, alreadyErased: false, keyId };
}
