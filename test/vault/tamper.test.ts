/**
 * Stored ciphertexts are bound to their place: a value copied into another record or field, relabelled with another
 * key version, or with one bit flipped, fails to decrypt (500, logged without values) instead of showing wrong data.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

describe('tampered ciphertexts', () => {
  let t: TestApp;
  let api: ReturnType<typeof vaultApi>;
  let a: string;
  let b: string;
  const sealedOf = async (id: string) => {
    const { rows } = await sql<{
      sealed_fields: string;
    }>`select sealed_fields from records where id = ${id}`.execute(t.services.database.db);
    return JSON.parse(rows[0]?.sealed_fields ?? '{}') as Record<string, string>;
  };
  const setSealed = (id: string, sealed: Record<string, string>) =>
    sql`update records set sealed_fields = ${JSON.stringify(sealed)} where id = ${id}`.execute(
      t.services.database.db,
    );

  beforeAll(async () => {
    t = await createTestApp();
    api = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
    await api.createCollection('patients');
    a = (await api.create('patients', patient(1))).json().id;
    b = (await api.create('patients', patient(2))).json().id;
  });
  afterAll(() => t.close());

  it('reads untampered records', async () => {
    expect((await api.read('patients', b, '?reveal=ssn')).json().fields.ssn).toBe('123-45-0002');
  });

  it.each([
    [
      'copied from another record',
      async (own: Record<string, string>, other: Record<string, string>) => ({
        ...own,
        ssn: other.ssn as string,
      }),
    ],
    [
      'copied from another field',
      async (own: Record<string, string>) => ({ ...own, ssn: own.email as string }),
    ],
    [
      'relabelled with another key version',
      async (own: Record<string, string>) => ({
        ...own,
        ssn: (own.ssn as string).replace(/^sr1:([^:]+):1:/, 'sr1:$1:2:'),
      }),
    ],
    [
      'flipped in one bit',
      async (own: Record<string, string>) => {
        const parts = (own.ssn as string).split(':');
        const body = Buffer.from(parts[4] as string, 'base64url');
        body[0] = (body[0] as number) ^ 1;
        parts[4] = body.toString('base64url');
        return { ...own, ssn: parts.join(':') };
      },
    ],
  ])('refuses a ciphertext %s', async (_label, tamper) => {
    const original = await sealedOf(b);
    await setSealed(b, await tamper(original, await sealedOf(a)));
    const response = await api.read('patients', b, '?reveal=ssn');
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('INTERNAL_ERROR');
    expect(response.body).not.toContain('123-45-000');
    await setSealed(b, original);
    expect((await api.read('patients', b, '?reveal=ssn')).statusCode).toBe(200);
  });
});
