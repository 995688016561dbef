import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Where a value sealed directly with the root key lives. */
export type RootSealedKind = 'master_key' | 'signing_key' | 'audit_signing_key' | 'root_derivation';

/** One value sealed with the root key: its row (`id`: version, kid or label) and the sealed text. */
export interface RootSealedValue {
  kind: RootSealedKind;
  id: string;
  sealed: string;
}

/**
 * The values sealed directly with the root key (master key versions, token-signing and audit-checkpoint keys, keys
 * pinned from an earlier root), for `operator migrate`, and the pinned keys, for every unseal.
 */
export function createRootSealedStore(db: Kysely<Database>) {
  return {
    /** Keys pinned from an earlier root key, sealed with the current one. */
    listDerivations(): Promise<Array<{ label: string; sealed: string }>> {
      return db.selectFrom('root_derivations').select(['label', 'sealed']).orderBy('label').execute();
    },
    /** Every value sealed with the root key (retired master versions whose key material is gone excepted). */
    async listRootSealed(): Promise<RootSealedValue[]> {
      const masters = await db
        .selectFrom('master_keys')
        .select(['version', 'wrapped'])
        .where('wrapped', '!=', '')
        .orderBy('version')
        .execute();
      const signing = await db.selectFrom('signing_keys').select(['kid', 'private_key_sealed']).execute();
      const audit = await db.selectFrom('audit_signing_keys').select(['kid', 'private_key_sealed']).execute();
      const pinned = await this.listDerivations();
      return [
        ...masters.map((r) => ({ kind: 'master_key' as const, id: String(r.version), sealed: r.wrapped })),
        ...signing.map((r) => ({ kind: 'signing_key' as const, id: r.kid, sealed: r.private_key_sealed })),
        ...audit.map((r) => ({
          kind: 'audit_signing_key' as const,
          id: r.kid,
          sealed: r.private_key_sealed,
        })),
        ...pinned.map((r) => ({ kind: 'root_derivation' as const, id: r.label, sealed: r.sealed })),
      ];
    },
    /**
     * In one transaction: every value of `listRootSealed` replaced (they must all be given, resealed), and the
     * `pins` not stored yet added. All or nothing.
     */
    async replaceRootSealed(
      values: readonly RootSealedValue[],
      pins: ReadonlyArray<{ label: string; sealed: string }>,
      now: number,
    ): Promise<void> {
      await db.transaction().execute(async (trx) => {
        for (const value of values) {
          if (value.kind === 'master_key') {
            await trx
              .updateTable('master_keys')
              .set({ wrapped: value.sealed })
              .where('version', '=', Number(value.id))
              .execute();
          } else if (value.kind === 'root_derivation') {
            await trx
              .updateTable('root_derivations')
              .set({ sealed: value.sealed })
              .where('label', '=', value.id)
              .execute();
          } else {
            await trx
              .updateTable(value.kind === 'signing_key' ? 'signing_keys' : 'audit_signing_keys')
              .set({ private_key_sealed: value.sealed })
              .where('kid', '=', value.id)
              .execute();
          }
        }
        for (const pin of pins) {
          await trx
            .insertInto('root_derivations')
            .values({ label: pin.label, sealed: pin.sealed, created_at: now })
            .onConflict((c) => c.column('label').doNothing())
            .execute();
        }
      });
    },
  };
}

export type RootSealedStore = ReturnType<typeof createRootSealedStore>;
