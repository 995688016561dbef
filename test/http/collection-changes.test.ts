/**
 * Guarantees (issue 10): adding a field to a collection rewrites no record (older ones read it as absent) and
 * only ever adds an optional field; dropping a collection needs its name repeated, destroys its data and blind
 * index keys (crypto-shredding: the wrapped bytes are overwritten) and deletes its records, indexes and tokens, in
 * one audited transaction; refused calls change nothing. On SQLite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { vaultApi } from '../helpers/vault.js';

const error = (response: LightMyRequestResponse) =>
  (response.json() as { error: { code: string; field?: string } }).error;

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `collection changes (${database})`,
    () => {
      let t: TestApp;
      let api: ReturnType<typeof vaultApi>;
      let adminHeaders: Record<string, string>;
      beforeAll(async () => {
        t = await createTestApp({ database });
        adminHeaders = (await loggedInUser(t, ['admin'])).headers;
        api = vaultApi(t, adminHeaders);
      });
      afterAll(async () => {
        await t.close();
      });

      const fresh = async () => {
        const name = `c${randomBytes(5).toString('hex')}`;
        const created = await api.createCollection(name, [{ name: 'label', type: 'string' }]);
        expect(created.statusCode).toBe(201);
        return { name, id: (created.json() as { id: string }).id };
      };
      const rows = (collectionId: string) =>
        t.services.database.db
          .selectFrom('records')
          .selectAll()
          .where('collection_id', '=', collectionId)
          .orderBy('id')
          .execute();

      describe('adding a field', () => {
        it('adds an optional field without rewriting records; older records read it as absent', async () => {
          const { name, id } = await fresh();
          const old = (await api.create(name, { label: 'before' }, 'subject-1')).json() as { id: string };
          const before = await rows(id);
          const added = await api.call('POST', `/v1/collections/${name}/fields`, {
            name: 'note',
            type: 'string',
            sensitive: true,
            searchable: true,
          });
          expect(added.statusCode).toBe(200);
          expect(added.json().fields.map((f: { name: string }) => f.name)).toEqual(['label', 'note']);
          expect(await rows(id)).toEqual(before);
          const read = await api.read(name, old.id);
          expect(read.statusCode).toBe(200);
          // Absent exactly as in a record stored after the field was added without a value for it.
          const without = (await api.create(name, { label: 'without' })).json() as { id: string };
          const unset = (await api.read(name, without.id)).json().fields;
          expect(read.json().fields).toEqual({ ...unset, label: 'before' });
          expect(read.json().fields.note ?? null).toBeNull();

          const next = await api.create(name, { label: 'after', note: 'a searchable note' });
          expect(next.statusCode).toBe(201);
          const found = await api.search(name, { where: { note: 'a searchable note' } });
          expect(found.statusCode).toBe(200);
          expect(found.json().records.map((r: { id: string }) => r.id)).toEqual([next.json().id]);
          const events = await t.services.database.db
            .selectFrom('audit_events')
            .select(['action', 'collection'])
            .where('action', '=', 'collection.update')
            .execute();
          expect(events).toContainEqual({ action: 'collection.update', collection: name });
        });

        it('refuses a required field, a repeated name and an unknown collection, naming the field', async () => {
          const { name } = await fresh();
          const required = await api.call('POST', `/v1/collections/${name}/fields`, {
            name: 'x',
            type: 'string',
            required: true,
          });
          expect(required.statusCode).toBe(400);
          expect(error(required)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.required' });
          const repeated = await api.call('POST', `/v1/collections/${name}/fields`, {
            name: 'label',
            type: 'string',
          });
          expect(error(repeated)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.name' });
          const plainSearchable = await api.call('POST', `/v1/collections/${name}/fields`, {
            name: 'y',
            type: 'string',
            searchable: true,
          });
          expect(error(plainSearchable)).toMatchObject({
            code: 'VALIDATION_FAILED',
            field: 'body.searchable',
          });
          expect((await api.call('GET', `/v1/collections/${name}`)).json().fields).toHaveLength(1);
          const missing = await api.call('POST', '/v1/collections/nosuchcollection/fields', {
            name: 'x',
            type: 'string',
          });
          expect(error(missing).code).toBe('COLLECTION_NOT_FOUND');
          const user = vaultApi(t, (await loggedInUser(t)).headers);
          const refused = await user.call('POST', `/v1/collections/${name}/fields`, {
            name: 'z',
            type: 'string',
          });
          expect(error(refused).code).toBe('FORBIDDEN');
        });
      });

      describe('dropping', () => {
        it('needs the name in `confirm`, and changes nothing without it', async () => {
          const { name } = await fresh();
          for (const payload of [undefined, {}, { confirm: `${name}x` }]) {
            const refused = await api.call('DELETE', `/v1/collections/${name}`, payload);
            expect(refused.statusCode).toBe(400);
            expect(error(refused)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.confirm' });
          }
          expect((await api.call('GET', `/v1/collections/${name}`)).statusCode).toBe(200);
          const user = vaultApi(t, (await loggedInUser(t)).headers);
          expect(error(await user.call('DELETE', `/v1/collections/${name}`, { confirm: name })).code).toBe(
            'FORBIDDEN',
          );
          const keyed = await api.call('POST', '/v1/api-keys', { name: 'k' });
          const byKey = await t.app.inject({
            method: 'DELETE',
            url: `/v1/collections/${name}`,
            headers: { 'x-api-key': keyed.json().key },
            payload: { confirm: name },
          });
          expect(byKey.statusCode).toBe(403);
          expect((await api.call('GET', `/v1/collections/${name}`)).statusCode).toBe(200);
        });

        it('destroys both keys and deletes records, indexes and tokens, audited; the name can be used again', async () => {
          const name = `c${randomBytes(5).toString('hex')}`;
          const created = await api.createCollection(name, [
            { name: 'label', type: 'string' },
            { name: 'ssn', type: 'ssn', sensitive: true, searchable: true },
          ]);
          const collection = created.json() as { id: string };
          const stored = await t.services.stores.collections.findByName(name);
          const a = (await api.create(name, { label: 'a', ssn: '123-45-6789' })).json() as { id: string };
          await api.create(name, { label: 'b', ssn: '123-45-6780' }, 'person-b');
          const tokenized = await api.call('POST', '/v1/tokens', {
            kind: 'random',
            source: { collection: name, record: a.id, field: 'ssn' },
          });
          expect(tokenized.statusCode).toBe(201);

          const dropped = await api.call('DELETE', `/v1/collections/${name}`, { confirm: name });
          expect(dropped.statusCode).toBe(200);
          expect(dropped.json()).toEqual({ dropped: name, records: 2 });

          const db = t.services.database.db;
          const keys = await db
            .selectFrom('data_keys')
            .selectAll()
            .where('key_id', 'in', [stored?.keyId ?? '', stored?.indexKeyId ?? ''])
            .execute();
          expect(keys.length).toBeGreaterThanOrEqual(2);
          for (const key of keys) {
            expect(key.wrapped).toBe('');
            expect(key.destroyed_at).not.toBeNull();
          }
          expect(await rows(collection.id)).toEqual([]);
          for (const table of ['blind_indexes', 'record_attributes', 'tokens'] as const) {
            const left = await db
              .selectFrom(table)
              .select('collection_id')
              .where('collection_id', '=', collection.id)
              .execute();
            expect(left, table).toEqual([]);
          }
          expect(error(await api.call('GET', `/v1/collections/${name}`)).code).toBe('COLLECTION_NOT_FOUND');
          expect(error(await api.read(name, a.id)).code).toBe('COLLECTION_NOT_FOUND');
          const token = (tokenized.json() as { token: string }).token;
          const detokenized = await api.call('POST', '/v1/tokens/detokenize', { tokens: [token] });
          expect(detokenized.body).not.toContain('123-45-6789');
          const events = await db
            .selectFrom('audit_events')
            .select(['action', 'collection'])
            .where('action', '=', 'collection.drop')
            .execute();
          expect(events).toContainEqual({ action: 'collection.drop', collection: name });

          const again = await api.createCollection(name, [{ name: 'label', type: 'string' }]);
          expect(again.statusCode).toBe(201);
          expect(
            error(
              await api.call('DELETE', '/v1/collections/nosuchcollection', { confirm: 'nosuchcollection' }),
            ).code,
          ).toBe('COLLECTION_NOT_FOUND');
        });
      });
    },
  );
}
