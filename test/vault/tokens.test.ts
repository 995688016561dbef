import { randomUUID } from 'node:crypto';
import { passesLuhn } from '@strongroom/redact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptField } from '../../src/crypto/index.js';
import { hashToken, TOKEN_AAD_COLLECTION, TOKEN_KEY_ID } from '../../src/services/index.js';
import { tokenSealingKey } from '../../src/services/tokens/token-key-derivation.js';
import { createTestApp, loggedInUser, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

const databases = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);
const CARD = '4242424242424242';
const OTHER_CARD = '5555555555554444';
/** Cards used in one record only, so no other row of their deterministic or card token survives it. */
const ERASED_CARD = '6011111111111117';
const DELETED_CARD = '3056930009020004';

type Api = ReturnType<typeof vaultApi>;

/** Token-shaped strings no one was ever given: random, deterministic and card shapes. */
const UNKNOWN_TOKENS = ['tok_AAAAAAAAAAAAAAAAAAAAAA', `tkd_${'A'.repeat(32)}`, '942424242424'];
/** 2026-12-03 and 2027-06-03, as the deprecated path routes announce them. */
const DEPRECATION_HEADERS = {
  deprecation: '@1796256000',
  sunset: 'Thu, 03 Jun 2027 00:00:00 GMT',
  link: '</v1/tokens/delete>; rel="successor-version"',
};

function tokenApi(api: Api) {
  return {
    tokenize: (body: object) => api.call('POST', '/v1/tokens', body),
    detokenize: (tokens: string[]) => api.call('POST', '/v1/tokens/detokenize', { tokens }),
    remove: (token: string) => api.call('POST', '/v1/tokens/delete', { token }),
    /** The deprecated form, the token in the path (until PATH_VALUE_SUNSET). */
    removeByPath: (token: string) => api.call('DELETE', `/v1/tokens/${token}`),
    /** The token for `body`, asserting 201. */
    async token(body: object): Promise<string> {
      const response = await api.call('POST', '/v1/tokens', body);
      expect(response.statusCode, response.body).toBe(201);
      return (response.json() as { token: string }).token;
    },
    /** The single detokenize result for `token`. */
    async value(token: string): Promise<{ token: string; type?: string; value?: unknown; error?: string }> {
      const response = await api.call('POST', '/v1/tokens/detokenize', { tokens: [token] });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().values[0];
    },
  };
}

describe.each(databases)('tokens API (%s)', (database) => {
  let t: TestApp;
  let admin: Api;
  let tokens: ReturnType<typeof tokenApi>;
  const source = (record: string, field = 'card') => ({ collection: 'patients', record, field });

  /** A fresh token of every shape: random, deterministic, and card tokens of 16 and 15 digits. */
  const issueEveryShape = async () => [
    await tokens.token({ kind: 'random', type: 'card_number', value: CARD }),
    await tokens.token({ kind: 'deterministic', type: 'card_number', value: CARD }),
    await tokens.token({ kind: 'format_preserving', type: 'card_number', value: CARD }),
    await tokens.token({ kind: 'format_preserving', type: 'card_number', value: '378282246310005' }),
  ];

  beforeAll(async () => {
    t = await createTestApp({ database });
    admin = vaultApi(t, (await loggedInUser(t, ['admin'])).headers);
    tokens = tokenApi(admin);
    expect((await admin.createCollection('patients')).statusCode).toBe(201);
  });
  afterAll(() => t.close());

  it('creates the vault token key once, even under concurrent first use', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        tokens.tokenize({ kind: 'deterministic', type: 'email', value: `first.${i}@example.com` }),
      ),
    );
    for (const response of responses) expect(response.statusCode, response.body).toBe(201);
    const keys = await t.services.database.db
      .selectFrom('data_keys')
      .select(['version', 'purpose'])
      .where('key_id', '=', 't_vault')
      .execute();
    expect(keys).toEqual([{ version: 1, purpose: 'token' }]);
  });

  it('round-trips every kind, from a stored field and from a value', async () => {
    const { id } = (await admin.create('patients', patient(1))).json() as { id: string };
    for (const kind of ['random', 'deterministic', 'format_preserving']) {
      const response = await tokens.tokenize({ kind, source: source(id) });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({ kind, type: 'card_number' });
      expect(await tokens.value(body.token)).toEqual({ token: body.token, type: 'card_number', value: CARD });
    }
    const byValue = await tokens.token({ kind: 'random', type: 'ssn', value: '123-45-6789' });
    expect(byValue).toMatch(/^tok_[0-9A-Za-z]{22}$/);
    expect(await tokens.value(byValue)).toMatchObject({ type: 'ssn', value: '123-45-6789' });
    const integer = await tokens.token({ kind: 'deterministic', type: 'integer', value: 42 });
    expect(await tokens.value(integer)).toMatchObject({ type: 'integer', value: 42 });
  });

  it('gives random tokens per call and deterministic tokens per (type, normalized value)', async () => {
    const random = { kind: 'random', type: 'email', value: 'a@example.com' };
    expect(await tokens.token(random)).not.toBe(await tokens.token(random));
    const same = await tokens.token({ kind: 'deterministic', type: 'email', value: 'a@example.com' });
    expect(same).toMatch(/^tkd_[A-Za-z0-9_-]{32}$/);
    expect(await tokens.token({ kind: 'deterministic', type: 'email', value: 'a@EXAMPLE.com' })).toBe(same);
    expect(await tokens.token({ kind: 'deterministic', type: 'email', value: 'b@example.com' })).not.toBe(
      same,
    );
    expect(await tokens.token({ kind: 'deterministic', type: 'string', value: 'a@example.com' })).not.toBe(
      same,
    );
    // A stored field and a value of its type give the same token: that is what joins use.
    const { id } = (await admin.create('patients', { ...patient(2), email: 'a@example.com' })).json();
    expect(await tokens.token({ kind: 'deterministic', source: source(id, 'email') })).toBe(same);
    // Repeating a deterministic request adds no row.
    const rows = await t.services.database.db.selectFrom('tokens').select('id').execute();
    await tokens.token({ kind: 'deterministic', type: 'email', value: 'a@example.com' });
    expect(await t.services.database.db.selectFrom('tokens').select('id').execute()).toHaveLength(
      rows.length,
    );
  });

  it('keeps length and last four in a card token, which fails Luhn', async () => {
    for (const card of [CARD, OTHER_CARD, '378282246310005', '4000056655665556']) {
      const token = await tokens.token({ kind: 'format_preserving', type: 'card_number', value: card });
      expect(token).toHaveLength(card.length);
      expect(token.slice(-4)).toBe(card.slice(-4));
      expect(token[0]).toBe('9');
      expect(passesLuhn(token)).toBe(false);
      expect(await tokens.token({ kind: 'format_preserving', type: 'card_number', value: card })).toBe(token);
      expect(await tokens.value(token)).toMatchObject({ type: 'card_number', value: card });
    }
  });

  it('lets only admins and the creator detokenize or delete, and says nothing else to others', async () => {
    const ownerApi = vaultApi(t, (await loggedInUser(t)).headers);
    const owner = tokenApi(ownerApi);
    const other = tokenApi(vaultApi(t, (await loggedInUser(t)).headers));
    const { id } = (await ownerApi.create('patients', patient(3))).json() as { id: string };
    const token = await owner.token({ kind: 'random', source: source(id, 'ssn') });
    expect(await owner.value(token)).toMatchObject({ value: '123-45-0003' });
    expect(await tokens.value(token)).toMatchObject({ value: '123-45-0003' });
    const unknown = 'tok_AAAAAAAAAAAAAAAAAAAAAA';
    const refused = await other.detokenize([token, unknown]);
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toEqual({
      values: [
        { token, error: 'TOKEN_NOT_FOUND' },
        { token: unknown, error: 'TOKEN_NOT_FOUND' },
      ],
    });
    expect(refused.body).not.toContain('123-45-0003');
    // Tokenizing a field needs the right to see it in plain.
    expect((await other.tokenize({ kind: 'random', source: source(id, 'ssn') })).json().error.code).toBe(
      'FORBIDDEN',
    );
    // The same deterministic token held by two users: each deletes only their own row.
    const shared = { kind: 'deterministic', type: 'phone', value: '+14155550199' };
    const joined = await owner.token(shared);
    expect(await other.token(shared)).toBe(joined);
    expect((await other.remove(token)).json().error.code).toBe('TOKEN_NOT_FOUND');
    expect((await other.remove(joined)).statusCode).toBe(204);
    expect(await other.value(joined)).toMatchObject({ error: 'TOKEN_NOT_FOUND' });
    expect(await owner.value(joined)).toMatchObject({ value: '+14155550199' });
    expect((await owner.remove(token)).statusCode).toBe(204);
    expect(await owner.value(token)).toEqual({ token, error: 'TOKEN_NOT_FOUND' });
    expect((await owner.remove(token)).statusCode).toBe(404);
  });

  it('forgets the tokens of an erased subject, keeps other subjects', async () => {
    const a = (
      await admin.create('patients', { ...patient(4), card: ERASED_CARD }, 'token-subject-a')
    ).json() as {
      id: string;
    };
    const b = (await admin.create('patients', patient(5), 'token-subject-b')).json() as { id: string };
    const ofA = await Promise.all(
      ['random', 'deterministic', 'format_preserving'].map((kind) =>
        tokens.token({ kind, source: source(a.id) }),
      ),
    );
    const ofB = await tokens.token({ kind: 'random', source: source(b.id, 'email') });
    const shared = await tokens.token({ kind: 'deterministic', source: source(a.id, 'email') });
    const stillHeld = await tokens.token({
      kind: 'deterministic',
      type: 'email',
      value: 'jane.4@example.com',
    });
    expect(stillHeld).toBe(shared);
    const [late] = await t.services.stores.tokens.find(hashToken(ofA[0] ?? ''), null, 1);
    expect((await admin.erase('token-subject-a')).json()).toMatchObject({ tokens: 4 });
    // A tokenization racing the erasure may write its row after the erasure: still no value.
    if (late !== undefined) await t.services.stores.tokens.insert(late);
    for (const token of ofA) expect(await tokens.value(token)).toEqual({ token, error: 'TOKEN_NOT_FOUND' });
    expect(await tokens.value(ofB)).toMatchObject({ value: 'jane.5@example.com' });
    // The same value tokenized without a subject is the caller's own copy, not the subject's.
    expect(await tokens.value(stillHeld)).toMatchObject({ value: 'jane.4@example.com' });
    expect((await tokens.tokenize({ kind: 'random', source: source(a.id) })).json().error.code).toBe(
      'SUBJECT_ERASED',
    );
  });

  it('forgets the tokens of a deleted record', async () => {
    const { id } = (await admin.create('patients', { ...patient(6), card: DELETED_CARD })).json() as {
      id: string;
    };
    const random = await tokens.token({ kind: 'random', source: source(id, 'name') });
    const card = await tokens.token({ kind: 'format_preserving', source: source(id) });
    const [late] = await t.services.stores.tokens.find(hashToken(random), null, 1);
    expect((await admin.remove('patients', id)).statusCode).toBe(204);
    // A tokenization racing the delete may write its row after the delete removed the others: still no value.
    if (late !== undefined) await t.services.stores.tokens.insert(late);
    expect((await tokens.detokenize([random, card])).json().values).toEqual([
      { token: random, error: 'TOKEN_NOT_FOUND' },
      { token: card, error: 'TOKEN_NOT_FOUND' },
    ]);
  });

  it('refuses bad input with a typed error naming the field, never the value', async () => {
    const { id } = (await admin.create('patients', { ...patient(7), phone: undefined })).json() as {
      id: string;
    };
    const missing = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[object, number, string, string | undefined]> = [
      [
        { kind: 'random', source: { ...source(id), collection: 'nosuch' } },
        404,
        'COLLECTION_NOT_FOUND',
        'body.source.collection',
      ],
      [{ kind: 'random', source: source(id, 'nickname') }, 400, 'UNKNOWN_FIELD', 'body.source.field'],
      [{ kind: 'random', source: source(id, 'tenant_id') }, 400, 'FIELD_NOT_SENSITIVE', 'body.source.field'],
      [{ kind: 'random', source: source(id, 'phone') }, 400, 'FIELD_EMPTY', 'body.source.field'],
      [{ kind: 'random', source: source(missing) }, 404, 'RECORD_NOT_FOUND', 'body.source.record'],
      [
        { kind: 'format_preserving', source: source(id, 'ssn') },
        400,
        'TOKEN_FORMAT_UNSUPPORTED',
        'body.source.field',
      ],
      [
        { kind: 'format_preserving', type: 'ssn', value: '123-45-6789' },
        400,
        'TOKEN_FORMAT_UNSUPPORTED',
        'body.type',
      ],
      [
        { kind: 'format_preserving', type: 'card_number', value: '4242424242424241' },
        400,
        'VALIDATION_FAILED',
        'body.value',
      ],
      [{ kind: 'deterministic', type: 'ssn', value: '000-12-3456' }, 400, 'VALIDATION_FAILED', 'body.value'],
      [
        { kind: 'random', type: 'email', value: 'a@example.com', source: source(id) },
        400,
        'VALIDATION_FAILED',
        undefined,
      ],
      [{ kind: 'random', type: 'email' }, 400, 'VALIDATION_FAILED', undefined],
      [{ kind: 'reversible', type: 'email', value: 'a@example.com' }, 400, 'VALIDATION_FAILED', 'body.kind'],
    ];
    for (const [body, status, code, field] of cases) {
      const response = await tokens.tokenize(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json().error.code, JSON.stringify(body)).toBe(code);
      if (field !== undefined) expect(response.json().error.field).toBe(field);
      for (const secret of ['4242424242424241', '000-12-3456', '123-45-6789']) {
        expect(response.body).not.toContain(secret);
      }
    }
    for (const list of [
      [],
      ['tok_short'],
      [CARD],
      Array.from({ length: 101 }, () => 'tok_AAAAAAAAAAAAAAAAAAAAAA'),
    ]) {
      const response = await tokens.detokenize(list);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
      expect(response.body).not.toContain(CARD);
    }
  });

  it('refuses a card whose card token already stands for another card', async () => {
    const token = await tokens.token({ kind: 'format_preserving', type: 'card_number', value: CARD });
    // Two cards sharing a card token cannot be found on purpose: plant a row claiming the token for another card.
    const keyRef = { keyId: TOKEN_KEY_ID, keyVersion: 1 };
    const key = tokenSealingKey(
      await t.services.keyService.dataKey(t.services.stores.keys, keyRef),
      await t.services.keyService.scheme(t.services.stores.keys, keyRef),
    );
    const id = randomUUID();
    await t.services.stores.tokens.insert({
      id,
      tokenHash: hashToken(token),
      kind: 'format_preserving',
      type: 'card_number',
      ...keyRef,
      sealedValue: encryptField(key, JSON.stringify(OTHER_CARD), {
        collection: TOKEN_AAD_COLLECTION,
        recordId: id,
        field: 'card_number',
        ...keyRef,
      }),
      subjectHash: null,
      collectionId: null,
      recordId: null,
      field: null,
      createdBy: randomUUID(),
      createdAt: Date.now(),
    });
    const user = tokenApi(vaultApi(t, (await loggedInUser(t)).headers));
    const refused = await user.tokenize({ kind: 'format_preserving', type: 'card_number', value: CARD });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('TOKEN_COLLISION');
    expect(refused.body).not.toContain(CARD);
    expect(await user.token({ kind: 'random', type: 'card_number', value: CARD })).toMatch(/^tok_/);
  });

  it('deletes every token shape from the body; unknown tokens of any shape answer 404 TOKEN_NOT_FOUND', async () => {
    const issued = await issueEveryShape();
    for (const token of [...issued, ...UNKNOWN_TOKENS]) {
      const response = await tokens.remove(token);
      expect(response.statusCode, token).toBe(issued.includes(token) ? 204 : 404);
      if (!issued.includes(token)) expect(response.json().error.code).toBe('TOKEN_NOT_FOUND');
      expect(response.headers.deprecation).toBeUndefined();
    }
    for (const token of issued)
      expect(await tokens.value(token)).toEqual({ token, error: 'TOKEN_NOT_FOUND' });
  });

  it('refuses a body that is not one token, naming the field and never echoing the value', async () => {
    const cases: Array<[unknown, string]> = [
      [{ token: CARD }, 'body.token'],
      [{ token: `tkd_${'A'.repeat(33)}` }, 'body.token'],
      [{ token: 42 }, 'body.token'],
      [{}, 'body.token'],
      [{ token: 'tok_AAAAAAAAAAAAAAAAAAAAAA', extra: CARD }, 'body.extra'],
    ];
    for (const [body, field] of cases) {
      const response = await admin.call('POST', '/v1/tokens/delete', body);
      expect(response.statusCode, JSON.stringify(field)).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(response.body).not.toContain(CARD);
      expect(response.body).not.toContain('AAAAAAAAAAAAAAAAAAAA');
    }
  });

  it('refuses a tokenized value beyond its bounds in the schema, naming the field and never echoing it', async () => {
    for (const value of [1.5, 2 ** 53, Number.MIN_SAFE_INTEGER - 1]) {
      const response = await tokens.tokenize({ kind: 'random', type: 'integer', value });
      expect(response.statusCode, String(value)).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.value' });
      expect(response.body).not.toContain(String(value));
    }
    expect(await tokens.token({ kind: 'random', type: 'integer', value: Number.MAX_SAFE_INTEGER })).toMatch(
      /^tok_/,
    );
  });

  it('still serves the deprecated DELETE /v1/tokens/{token} for every token shape, announcing its successor', async () => {
    const issued = await issueEveryShape();
    for (const token of [...issued, ...UNKNOWN_TOKENS]) {
      const response = await tokens.removeByPath(token);
      expect(response.statusCode, token).toBe(issued.includes(token) ? 204 : 404);
      expect(response.headers).toMatchObject(DEPRECATION_HEADERS);
    }
    // A real card in the path is still refused before routing, and the answer still names the successor.
    const card = await tokens.removeByPath(CARD);
    expect(card.json().error.code).toBe('SENSITIVE_DATA_IN_URL');
    expect(card.headers).toMatchObject(DEPRECATION_HEADERS);
  });

  it('never writes a value or a token to the logs or the tokens table', async () => {
    const value = '378734493671000';
    const token = await tokens.token({ kind: 'format_preserving', type: 'card_number', value });
    await tokens.value(token);
    await tokens.remove(token);
    const logs = t.logs.join('\n');
    for (const secret of [value, CARD, OTHER_CARD, '123-45-0003', 'jane.5@example.com', token]) {
      expect(logs).not.toContain(secret);
    }
    const stored = JSON.stringify(await t.services.database.db.selectFrom('tokens').selectAll().execute());
    for (const secret of [CARD, OTHER_CARD, '123-45-0003', 'jane.5@example.com', '+14155550199', token]) {
      expect(stored).not.toContain(secret);
    }
  });
});
