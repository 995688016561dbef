/**
 * Subjects: the people records are about. Each subject has its own data key, so erasing a person is destroying one
 * key (crypto-shredding): every copy of their ciphertexts, in any table, replica or backup that does not also hold
 * the key, becomes noise at once.
 * Invariants:
 * - A subject id is stored only as a keyed HMAC (HKDF label `subject-id/v1` from the root key), never in clear.
 * - Erasure is one transaction: key destroyed (wrapped bytes overwritten), records emptied to tombstones, their
 *   attributes, blind indexes and tokens deleted, users unlinked (their subject HMAC and sealed copy cleared), and
 *   the erasure recorded. An erased subject cannot get new data, nor be linked to a user again.
 * - Once it commits, the write-ahead log is checkpointed (`checkpointLog`, storage/wal-checkpoint.ts): SQLite keeps
 *   no old page holding the wrapped key, a ciphertext or a user's subject; PostgreSQL's dead tuples are left to
 *   VACUUM (see there).
 * Not addressed: a backup that also holds the wrapped subject key and the root key that unwraps it (see README,
 * "Erasure and backups"); process memory of a node that cached the key (entries are evicted here, and erased
 * records no longer have ciphertexts to decrypt in the live database).
 */
import { hmacSha256, type RootKey, randomBase62 } from '../crypto/index.js';
import { AppError } from '../errors.js';
import type { Stores, Transactor } from '../storage/index.js';
import { type AuditInput, type AuditTrail, auditSubjectOf } from './audit/index.js';
import type { KeyService } from './key-service.js';
import { inAuditedTransaction } from './records/record-transaction.js';
import type { RevocationPublisher } from './revocations.js';
import { eraseSubjectRows } from './subject-erasure.js';

export interface ErasureResult {
  erasedAt: number;
  records: number;
  tokens: number;
  alreadyErased: boolean;
}

/**
 * Inside a transaction that writes data of `subjectHash` (null: no subject), holds the subject row until the
 * transaction ends, so a concurrent erasure either waits for this write and erases it too, or has already
 * committed and the write is refused (SUBJECT_ERASED, naming `field` when given).
 */
export async function holdSubject(stores: Stores, subjectHash: string | null, field?: string): Promise<void> {
  if (subjectHash === null) return;
  const subject = await stores.subjects.find(subjectHash, 'share');
  if (subject?.erasedAt != null) throw new AppError('SUBJECT_ERASED', field === undefined ? {} : { field });
}

export function createSubjectService(deps: {
  transactor: Transactor;
  keys: KeyService;
  rootKey: Pick<RootKey, 'derive'>;
  audit: Pick<AuditTrail, 'appendInTransaction'>;
  /** Told after an erasure commits: the users it unlinked are not known by id, so every node drops every user. */
  revocations: RevocationPublisher;
  clock: () => number;
  /** Runs after an erasure commits: moves what it overwrote out of the database's log (Persistence.checkpointLog). */
  checkpointLog?: () => Promise<void>;
}) {
  const hash = (subject: string) =>
    hmacSha256(deps.rootKey.derive('subject-id/v1'), subject).toString('base64url');

  return {
    hash,
    /** The subject's data key id, created on first use; SUBJECT_ERASED for an erased subject. Call inside a transaction. */
    async keyFor(stores: Stores, subjectHash: string): Promise<string> {
      let subject = await stores.subjects.find(subjectHash, 'share');
      if (subject === null) {
        const keyId = `s_${randomBase62(22)}`;
        if (await stores.subjects.insert({ subjectHash, keyId, createdAt: deps.clock(), erasedAt: null })) {
          await deps.keys.createDataKey(stores.keys, keyId, 'subject');
          return keyId;
        }
        subject = await stores.subjects.find(subjectHash, 'share');
      }
      if (subject === null) {
        throw new AppError('SUBJECT_STATE_INCONSISTENT', { message: 'subject vanished while being created' });
      }
      if (subject.erasedAt !== null) throw new AppError('SUBJECT_ERASED', { field: 'subject' });
      return subject.keyId;
    },
    /**
     * Erases every value of `subject` in every collection. Idempotent; an unknown subject is recorded as erased.
     * The erasure commits with its audit event (`audit` names who asked), never without it.
     */
    async erase(
      subject: string,
      erasedBy: string | null,
      audit: Pick<AuditInput, 'actor' | 'actorSubject' | 'requestId' | 'clientAddress' | 'purpose'>,
    ): Promise<ErasureResult> {
      const subjectHash = hash(subject);
      const now = deps.clock();
      let result: (ErasureResult & { keyId: string | null }) | undefined;
      await inAuditedTransaction(deps.transactor, deps.audit, async (stores) => {
        result = await eraseSubjectRows(stores, subjectHash, now, erasedBy);
        if (result.alreadyErased) return [];
        // The subject id itself is personal data: the event names its keyed HMAC, never the id, in the one form
        // every event of the subject carries (`hmac:` + hex; events before issue 13 have `subject:<base64url>` as
        // their record id, which the subject search still finds).
        return [
          {
            ...audit,
            action: 'subject.erase',
            resource: {},
            subject: auditSubjectOf(subjectHash),
            outcome: 'allowed',
          },
        ];
      });
      if (result === undefined) {
        throw new AppError('SUBJECT_STATE_INCONSISTENT', { message: 'erasure did not run' });
      }
      if (result.keyId !== null) deps.keys.forget(result.keyId);
      // Also on a repeat: a node that died between the erasure's commit and these steps left other nodes' caches
      // and the log's old pages as they were, and the operator's retry is what finishes the job.
      await deps.revocations.publish({ all: true });
      await deps.checkpointLog?.();
      return {
        erasedAt: result.erasedAt,
        records: result.records,
        tokens: result.tokens,
        alreadyErased: result.alreadyErased,
      };
    },
  };
}

export type SubjectService = ReturnType<typeof createSubjectService>;
