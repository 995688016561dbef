import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface SigningKeyRecord {
  kid: string;
  publicJwk: string;
  privateKeySealed: string;
  createdAt: number;
  retiredAt: number | null;
}

export function createSigningKeyStore(db: Kysely<Database>) {
  return {
    async insert(key: SigningKeyRecord): Promise<void> {
      await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          public_jwk: key.publicJwk,
          private_key_sealed: key.privateKeySealed,
          created_at: key.createdAt,
          retired_at: key.retiredAt,
        })
        .execute();
    },
    /** Keys not yet retired, or retired after `retiredAfter` (their tokens may still be live); newest first. */
    async listUsable(retiredAfter: number): Promise<SigningKeyRecord[]> {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredAfter)]))
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((r) => ({
        kid: r.kid,
        publicJwk: r.public_jwk,
        privateKeySealed: r.private_key_sealed,
        createdAt: r.created_at,
        retiredAt: r.retired_at,
      }));
    },
    async retireAllExcept(kid: string, now: number): Promise<void> {
      await db
        .updateTable('signing_keys')
        .set({ retired_at: now })
        .where('kid', '!=', kid)
        .where('retired_at', 'is', null)
        .execute();
    },
  };
}

export type SigningKeyStore = ReturnType<typeof createSigningKeyStore>;
