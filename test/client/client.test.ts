/**
 * @strongroom/client against a real server over TLS (its own CA pinned): login, typed calls, a record with sensitive
 * fields written, read with a purpose and `reveal`, searched and tokenized; exactly one credential header per
 * request; errors as StrongroomError with the server's code, status, field and request id; no token in an error,
 * a serialized client or the client's inspection.
 */
import { inspect } from 'node:util';
import { createClient, type StrongroomClient, StrongroomError, unwrap } from '@strongroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/test-app.js';
import { PATIENT_FIELDS, patient } from '../helpers/vault.js';
import { countingFetch, type Server, startServer } from './client-server.js';

let server: Server;
let admin: Awaited<ReturnType<typeof createUser>>;
let client: StrongroomClient;
const wire = countingFetch();

beforeAll(async () => {
  server = await startServer();
  admin = await createUser(server.t, ['admin']);
  client = createClient({ baseUrl: server.baseUrl, ca: server.ca, fetch: wire.fetch });
  await client.login({ username: admin.username, password: admin.password });
});

afterAll(async () => {
  await client.close();
  await server.t.close();
});

describe('a logged-in client', () => {
  it('makes typed calls with the session token', async () => {
    const { data, error } = await client.GET('/v1/me');
    expect(error).toBeUndefined();
    const username: string | undefined = data?.username;
    expect(username).toBe(admin.username);
    expect(client.isLoggedIn()).toBe(true);
  });

  it('writes a record with sensitive fields, reads it with a purpose and reveal, searches and tokenizes it', async () => {
    unwrap(await client.POST('/v1/collections', { body: { name: 'patients', fields: [...PATIENT_FIELDS] } }));
    const created = unwrap(
      await client.POST('/v1/collections/{collection}/records', {
        params: { path: { collection: 'patients' } },
        body: { subject: 'patient-1', fields: patient(1) },
      }),
    );
    const path = { collection: 'patients', id: created.id };

    const withoutPurpose = await client.GET('/v1/collections/{collection}/records/{id}', {
      params: { path, query: { reveal: 'ssn' } },
    });
    expect(withoutPurpose.error?.error.code).toBe('PURPOSE_REQUIRED');

    const read = unwrap(
      await client.GET('/v1/collections/{collection}/records/{id}', {
        params: { path, query: { reveal: 'ssn' } },
        purpose: 'support',
      }),
    );
    expect(read.fields.ssn).toBe(patient(1).ssn);
    expect(read.fields.email).not.toBe(patient(1).email);

    const found = unwrap(
      await client.POST('/v1/collections/{collection}/records/search', {
        params: { path: { collection: 'patients' } },
        body: { where: { ssn: patient(1).ssn }, reveal: ['email'] },
        purpose: 'support',
      }),
    );
    expect(found.records.map((record) => record.id)).toEqual([created.id]);
    expect(found.records[0]?.fields.email).toBe(patient(1).email);

    const token = unwrap(
      await client.POST('/v1/tokens', {
        body: { kind: 'random', source: { collection: 'patients', record: created.id, field: 'card' } },
        purpose: 'support',
      }),
    );
    const values = unwrap(
      await client.POST('/v1/tokens/detokenize', { body: { tokens: [token.token] }, purpose: 'support' }),
    );
    expect(values.values).toEqual([{ token: token.token, type: 'card_number', value: patient(1).card }]);
  });

  it('takes a purpose on authenticated operations, which all declare X-Access-Purpose', async () => {
    expect((await client.GET('/v1/me', { purpose: 'support' })).error).toBeUndefined();
    const unknown = await client.GET('/v1/me', { purpose: 'curiosity' });
    expect(unknown.error?.error).toMatchObject({
      code: 'PURPOSE_UNKNOWN',
      field: 'headers.x-access-purpose',
    });
  });

  it('sends exactly one credential header: the token while logged in, the API key otherwise', async () => {
    const key = unwrap(await client.POST('/v1/api-keys', { body: { name: 'client-test' } }));
    const both = createClient({ baseUrl: server.baseUrl, ca: server.ca, apiKey: key.key, fetch: wire.fetch });
    const asKey = unwrap(await both.GET('/v1/me'));
    expect(asKey.username).toBe(admin.username);
    await both.login({ username: admin.username, password: admin.password });
    // A header the caller sets is replaced, never sent alongside the client's own.
    const asSession = await both.GET('/v1/me', { headers: { 'x-api-key': key.key } });
    expect(asSession.error).toBeUndefined();
    await both.logout();
    await both.close();

    const credentialHeaders = wire.sent.map((request) => request.credentialHeaders);
    expect(credentialHeaders.every((names) => names.length <= 1)).toBe(true);
    const meCalls = wire.sent.filter((request) => request.path === '/v1/me').slice(-2);
    expect(meCalls.map((request) => request.credentialHeaders)).toEqual([['x-api-key'], ['authorization']]);
    // Login and refresh carry no credential header at all.
    expect(
      wire.sent
        .filter((request) => request.path.startsWith('/v1/auth/login'))
        .map((r) => r.credentialHeaders),
    ).toEqual([[], []]);
  });
});

describe('errors', () => {
  it('throw as StrongroomError with code, status, field and request id', async () => {
    const result = await client.GET('/v1/users', { params: { query: { limit: 0 } } });
    const error = (() => {
      try {
        unwrap(result);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(StrongroomError);
    const typed = error as StrongroomError;
    expect(typed.code).toBe('VALIDATION_FAILED');
    expect(typed.status).toBe(400);
    expect(typed.field).toBe('query.limit');
    expect(typed.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typed.requestId).toBe(result.error?.error.request_id);
  });

  it('come from login and refresh too', async () => {
    const stranger = createClient({ baseUrl: server.baseUrl, ca: server.ca });
    const refused = await stranger
      .login({ username: admin.username, password: 'not the password at all' })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(StrongroomError);
    expect((refused as StrongroomError).code).toBe('INVALID_CREDENTIALS');
    expect((refused as StrongroomError).status).toBe(401);
    await expect(stranger.refresh()).rejects.toMatchObject({ code: 'NOT_LOGGED_IN', status: 0 });
    await stranger.close();
  });

  it('refuses a plain-http base URL before sending anything', () => {
    expect(() => createClient({ baseUrl: server.baseUrl.replace('https:', 'http:') })).toThrow(TypeError);
  });
});

describe('the tokens', () => {
  it('never appear in an error, the serialized client or its inspection', async () => {
    // Capture the tokens the way only a test may: from the wire, through a fetch that keeps the login answer.
    const tokens: string[] = [];
    const peeking = createClient({
      baseUrl: server.baseUrl,
      ca: server.ca,
      fetch: async (url, init) => {
        const response = await wire.fetch(url, init);
        if (url.endsWith('/v1/auth/login') || url.endsWith('/v1/auth/refresh')) {
          const pair = (await response.clone().json()) as { access_token: string; refresh_token: string };
          tokens.push(pair.access_token, pair.refresh_token);
        }
        return response;
      },
    });
    await peeking.login({ username: admin.username, password: admin.password });
    await peeking.refresh();
    expect(tokens).toHaveLength(4);

    const errors: unknown[] = [];
    for (const attempt of [
      () => peeking.GET('/v1/users', { params: { query: { limit: 0 } } }).then(unwrap),
      () => peeking.GET('/v1/users/{id}', { params: { path: { id: crypto.randomUUID() } } }).then(unwrap),
      () => peeking.POST('/v1/collections', { body: { name: 'patients', fields: [] } }).then(unwrap),
    ]) {
      await attempt().catch((error: unknown) => errors.push(error));
    }
    await peeking.logout();
    // After logout the refresh token is gone: refresh() fails without a request.
    await peeking.refresh().catch((error: unknown) => errors.push(error));
    expect(errors.map((error) => (error as StrongroomError).code)).toEqual([
      'VALIDATION_FAILED',
      'USER_NOT_FOUND',
      'VALIDATION_FAILED',
      'NOT_LOGGED_IN',
    ]);

    const surfaces = [
      JSON.stringify(peeking),
      inspect(peeking, { depth: 10, showHidden: true }),
      ...errors.flatMap((error) => [
        String((error as Error).message),
        String((error as Error).stack),
        JSON.stringify(error),
        inspect(error, { depth: 10, showHidden: true }),
      ]),
    ];
    for (const token of tokens) {
      for (const surface of surfaces) expect(surface.includes(token)).toBe(false);
    }
    expect(JSON.stringify(peeking)).toBe('{}');
    await peeking.close();
  });
});
