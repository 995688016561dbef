import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface AuditCheckpointRow {
  seq: number;
  hash: string;
  time: string;
  kid: string;
  signature: string;
}

export interface AuditSigningKeyRow {
  kid: string;
  publicJwk: string;
  privateKeySealed: string;
  createdAt: number;
}

/** Signed checkpoints of the audit chain and the keys that sign them. */
export function createAuditCheckpoints(db: Kysely<Database>) {
  return {
    async insertCheckpoint(checkpoint: AuditCheckpointRow, createdAt: number): Promise<void> {
      // Two nodes may sign the same head: the first row wins, the second is the same claim.
      await db
        .insertInto('audit_checkpoints')
        .values({ ...checkpoint, created_at: createdAt })
        .onConflict((oc) => oc.column('seq').doNothing())
        .execute();
    },
    async latestCheckpoint(): Promise<AuditCheckpointRow | undefined> {
      return db
        .selectFrom('audit_checkpoints')
        .select(['seq', 'hash', 'time', 'kid', 'signature'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
    },
    /** Checkpoints in seq order: all of them, or `limit` after `afterSeq`. */
    async listCheckpoints(page?: { afterSeq: number; limit: number }): Promise<AuditCheckpointRow[]> {
      let query = db
        .selectFrom('audit_checkpoints')
        .select(['seq', 'hash', 'time', 'kid', 'signature'])
        .orderBy('seq');
      if (page !== undefined) query = query.where('seq', '>', page.afterSeq).limit(page.limit);
      return query.execute();
    },
    /** The newest checkpoint at or below `maxSeq` whose event is older than `before` (ms), if any. */
    async prunableCheckpoint(maxSeq: number, before: number): Promise<AuditCheckpointRow | undefined> {
      return db
        .selectFrom('audit_checkpoints as c')
        .innerJoin('audit_events as e', 'e.seq', 'c.seq')
        .select(['c.seq', 'c.hash', 'c.time', 'c.kid', 'c.signature'])
        .where('c.seq', '<=', maxSeq)
        .where('e.occurred_at', '<', before)
        .orderBy('c.seq', 'desc')
        .limit(1)
        .executeTakeFirst();
    },
    async insertSigningKey(key: AuditSigningKeyRow): Promise<void> {
      await db
        .insertInto('audit_signing_keys')
        .values({
          kid: key.kid,
          public_jwk: key.publicJwk,
          private_key_sealed: key.privateKeySealed,
          created_at: key.createdAt,
          retired_at: null,
        })
        .onConflict((oc) => oc.column('kid').doNothing())
        .execute();
    },
    async listSigningKeys(): Promise<AuditSigningKeyRow[]> {
      const rows = await db
        .selectFrom('audit_signing_keys')
        .selectAll()
        .orderBy('created_at')
        .orderBy('kid')
        .execute();
      return rows.map((r) => ({
        kid: r.kid,
        publicJwk: r.public_jwk,
        privateKeySealed: r.private_key_sealed,
        createdAt: r.created_at,
      }));
    },
  };
}
