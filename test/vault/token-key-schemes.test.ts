/**
 * Finding 8 (token key hygiene): an installation whose `t_vault` version 1 was made under the legacy scheme (the
 * version's key used as it is, both as the AES key of token values and as the HKDF input of the token HMAC keys)
 * keeps every old token: it detokenizes, and tokenizing the same value gives the same deterministic token. New
 * values are sealed under a scheme-2 version whose key only feeds HKDF, never under the legacy one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptField, encryptField } from '../../src/crypto/index.js';
import { hashToken, systemCaller, TOKEN_KEY_ID } from '../../src/services/index.js';
import { tokenHmacKeys } from '../../src/services/tokens/token-key-derivation.js';
import { tokenAad } from '../../src/services/tokens/token-model.js';
import { deterministicToken } from '../../src/vault/index.js';
import { createTestApp, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';

const backends: Array<'sqlite' | 'postgres'> = [
  'sqlite',
  ...(TEST_DATABASE_URL === null ? [] : ['postgres' as const]),
];

for (const database of backends) {
  describe(`token keys of a legacy installation (${database})`, () => {
    let t: TestApp;
    const caller = systemCaller('token-scheme-test', ['admin'], 'support');
    const legacy = { value: 'legacy@example.com', token: '' };

    beforeAll(async () => {
      t = await createTestApp({ database });
      const { keyService, stores } = t.services;
      // What an earlier release stored: t_vault v1 (scheme 1), a value sealed under its key as it is.
      await keyService.createDataKey(stores.keys, TOKEN_KEY_ID, 'token', 1);
      await t.services.database.db
        .updateTable('data_keys')
        .set({ scheme: 1 })
        .where('key_id', '=', TOKEN_KEY_ID)
        .execute();
      const v1 = await keyService.dataKey(stores.keys, { keyId: TOKEN_KEY_ID, keyVersion: 1 });
      legacy.token = deterministicToken(tokenHmacKeys(v1).deterministic, 'email', legacy.value);
      const id = randomUUID();
      await stores.tokens.insert({
        id,
        tokenHash: hashToken(legacy.token),
        kind: 'deterministic',
        type: 'email',
        keyId: TOKEN_KEY_ID,
        keyVersion: 1,
        sealedValue: encryptField(
          v1,
          JSON.stringify(legacy.value),
          tokenAad({ id, type: 'email', keyId: TOKEN_KEY_ID, keyVersion: 1 }),
        ),
        subjectHash: null,
        collectionId: null,
        recordId: null,
        field: null,
        createdBy: caller.actor.userId,
        createdAt: Date.now(),
      });
    });
    afterAll(async () => {
      await t.close();
    });

    it('detokenizes the old token and gives the same token for the same value', async () => {
      const [found] = await t.services.tokens.detokenize(caller, [legacy.token]);
      expect(found).toMatchObject({ value: legacy.value });
      const again = await t.services.tokens.tokenize(caller, {
        kind: 'deterministic',
        type: 'email',
        value: legacy.value,
      });
      expect(again.token).toBe(legacy.token);
    });

    it('seals new values under a scheme-2 version, with a derived key, never the version itself', async () => {
      const fresh = await t.services.tokens.tokenize(caller, {
        kind: 'deterministic',
        type: 'email',
        value: 'fresh@example.com',
      });
      const { keyService, stores } = t.services;
      const [row] = await stores.tokens.find(hashToken(fresh.token), null, 5);
      if (row === undefined) throw new Error('token row missing');
      expect(row.keyVersion).toBe(2);
      expect(await keyService.scheme(stores.keys, { keyId: TOKEN_KEY_ID, keyVersion: 2 })).toBe(2);
      const v2 = await keyService.dataKey(stores.keys, { keyId: TOKEN_KEY_ID, keyVersion: 2 });
      expect(() => decryptField(v2, row.sealedValue, tokenAad(row))).toThrow();
      const [found] = await t.services.tokens.detokenize(caller, [fresh.token]);
      expect(found).toMatchObject({ value: 'fresh@example.com' });
      // The HMAC keys still come from version 1: the old token is unchanged.
      const [old] = await t.services.tokens.detokenize(caller, [legacy.token]);
      expect(old).toMatchObject({ value: legacy.value });
    });
  });
}
