/**
 * Path parameters in the audit trail (issue 13, finding 5): a request refused before its path is validated (no or
 * a bad credential, an unknown purpose, a policy refusal, a used-up quota) must not write what it sent as a path
 * segment into the hash chain. For every route the app registers (read from its route tree, so a new route is
 * covered without touching this file), every path parameter in turn carries a secret-shaped value — an API key,
 * a card number, a JWT, and a random string no detector recognises — under every refusal kind; no audit event,
 * read through the trail and through `GET /v1/audit/events`, contains any of them, while the refusals themselves
 * are recorded, with the invalid identifier as `$invalid`.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { passesLuhn } from '@strongroom/redact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOpaqueToken, initSealedKeyring } from '../../src/crypto/index.js';
import { INVALID_IDENTIFIER } from '../../src/http/audit-resource.js';
import { QUOTA_GROUPS } from '../../src/model/index.js';
import { pathParams, type RegisteredRoute, registeredRoutes } from '../helpers/registered-routes.js';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

function cardNumber(): string {
  for (;;) {
    const digits = `5${Array.from({ length: 15 }, () => randomInt(0, 10)).join('')}`;
    if (passesLuhn(digits)) return digits;
  }
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Fresh secret-shaped values (fresh per run, so an earlier run's trail cannot make the test pass). */
function secrets(): Record<string, string> {
  return {
    apiKey: generateOpaqueToken('srk'),
    card: cardNumber(),
    jwt: `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: randomUUID() })}.${randomBytes(32).toString('base64url')}`,
    // No detector knows this shape: only validation keeps it out.
    opaque: `Zq${randomBytes(24).toString('hex')}`,
  };
}

/** A value each known path parameter accepts, for the parameters that do not carry the secret. */
const VALID: Record<string, () => string> = {
  collection: () => 'patients',
  id: () => randomUUID(),
  subject: () => 'someone',
  token: () => 'tok_unknown',
};

const hasBody = (method: string) => method === 'POST' || method === 'PUT' || method === 'PATCH';

/** Every (route, parameter, secret) case: the secret in that parameter, valid values in the others. */
function cases(routes: readonly RegisteredRoute[], values: Record<string, string>) {
  return routes.flatMap((route) =>
    pathParams(route.url).flatMap((param) =>
      Object.entries(values).map(([kind, secret]) => ({
        route,
        label: `${route.method} ${route.url} :${param} ${kind}`,
        url: route.url.replace(/:(\w+)/g, (_m, name: string) =>
          encodeURIComponent(name === param ? secret : (VALID[name]?.() ?? 'x1')),
        ),
      })),
    ),
  );
}

/** Every event, through the trail and (given an auditor's headers) through the API. */
async function trailDump(t: TestApp, headers?: Record<string, string>): Promise<string> {
  const { events } = await t.services.audit.query({}, 100_000);
  const pages: string[] = [JSON.stringify(events)];
  if (headers === undefined) return pages[0] ?? '';
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '?limit=500' : `?limit=500&cursor=${cursor}`;
    const response = await t.app.inject({ url: `/v1/audit/events${query}`, headers });
    expect(response.statusCode, response.body).toBe(200);
    pages.push(response.body);
    cursor = (response.json() as { next_cursor?: string | null }).next_cursor ?? null;
  } while (cursor !== null);
  return pages.join('\n');
}

type Caller = { name: string; headers: Record<string, string> };

async function sendAll(t: TestApp, callers: readonly Caller[], values: Record<string, string>) {
  const routes = registeredRoutes(t.app).filter((r) => pathParams(r.url).length > 0);
  expect(routes.length).toBeGreaterThan(10);
  const statuses = new Set<number>();
  for (const caller of callers) {
    for (const c of cases(routes, values)) {
      const response = await t.app.inject({
        method: c.route.method as 'GET',
        url: c.url,
        headers: caller.headers,
        ...(hasBody(c.route.method) ? { payload: {} } : {}),
      });
      statuses.add(response.statusCode);
    }
  }
  return statuses;
}

/** No refusal event was dropped (an event the trail refuses as not an identifier is logged and lost). */
function expectNoneDropped(t: TestApp): void {
  expect(t.logs.filter((line) => line.includes('refusal could not be audited'))).toEqual([]);
}

function expectAbsent(dump: string, values: Record<string, string>): void {
  for (const [kind, secret] of Object.entries(values)) {
    expect(dump.includes(secret), `${kind} reached the audit trail`).toBe(false);
    expect(dump.includes(encodeURIComponent(secret)), `${kind} reached the audit trail`).toBe(false);
  }
}

describe('path parameters refused before validation', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof loggedInUser>>;
  const values = secrets();

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loggedInUser(t, ['admin']);
    const user = await loggedInUser(t, ['user']);
    const callers: Caller[] = [
      { name: 'anonymous', headers: {} },
      { name: 'bad token', headers: { authorization: 'Bearer not-a-token' } },
      { name: 'unknown purpose', headers: { ...admin.headers, 'x-access-purpose': 'no_such_purpose' } },
      { name: 'malformed purpose', headers: { ...admin.headers, 'x-access-purpose': 'No Such Purpose' } },
      { name: 'forbidden', headers: { ...user.headers, 'x-access-purpose': 'support' } },
    ];
    const statuses = await sendAll(t, callers, values);
    for (const status of [400, 401, 403]) expect(statuses).toContain(status);
  });
  afterAll(() => t?.close());

  it('records none of the values sent as path segments', async () => {
    expectAbsent(await trailDump(t, admin.headers), values);
    expectNoneDropped(t);
  });

  it('records the refusals, naming an invalid collection or record id as $invalid', async () => {
    const { events } = await t.services.audit.query({}, 100_000);
    const denied = events.filter((e) => e.outcome === 'denied');
    expect(denied.some((e) => e.resource.collection === INVALID_IDENTIFIER)).toBe(true);
    expect(denied.some((e) => e.resource.recordId === INVALID_IDENTIFIER)).toBe(true);
    // A valid identifier next to an invalid one is still recorded as it is.
    expect(
      denied.some((e) => e.resource.collection === 'patients' && e.resource.recordId === INVALID_IDENTIFIER),
    ).toBe(true);
  });
});

describe('path parameters refused by a quota', () => {
  let t: TestApp;
  const values = secrets();

  beforeAll(async () => {
    // One request per group and identity, then 429 for the rest of the run (the trail is read through the service).
    const env = Object.fromEntries(
      QUOTA_GROUPS.filter((g) => g !== 'auth').flatMap((g) => [
        [`STRONGROOM_QUOTA_${g.toUpperCase()}_CAPACITY`, '1'],
        [`STRONGROOM_QUOTA_${g.toUpperCase()}_PER_MINUTE`, '1'],
      ]),
    );
    t = await createTestApp({ env });
    const spender = await loggedInUser(t, ['admin']);
    const statuses = await sendAll(t, [{ name: 'rate limited', headers: spender.headers }], values);
    expect(statuses).toContain(429);
  });
  afterAll(() => t?.close());

  it('records none of the values sent as path segments', async () => {
    expectAbsent(await trailDump(t), values);
    expectNoneDropped(t);
  });

  it('records the refusals as rate limited, naming an invalid identifier as $invalid', async () => {
    const { events } = await t.services.audit.query({}, 100_000);
    const limited = events.filter((e) => e.outcome === 'rate_limited');
    expect(limited.some((e) => e.resource.collection === INVALID_IDENTIFIER)).toBe(true);
    expect(limited.some((e) => e.resource.recordId === INVALID_IDENTIFIER)).toBe(true);
  });
});

describe('path parameters refused while sealed', () => {
  let t: TestApp;
  const values = secrets();

  beforeAll(async () => {
    let shares: string[] = [];
    t = await createTestApp({
      flags: { keyring: 'sealed' },
      seedDataDir: async (dir) => {
        ({ shares } = await initSealedKeyring(path.join(dir, 'keyring.json'), { shares: 3, threshold: 2 }));
      },
    });
    const statuses = await sendAll(
      t,
      [{ name: 'sealed', headers: { authorization: 'Bearer not-a-token' } }],
      values,
    );
    // 503 SEALED, or 400 from the URL guard, which refuses a credential in the path before the seal gate.
    expect(statuses).toContain(503);
    expect([...statuses].filter((s) => s !== 503 && s !== 400)).toEqual([]);
    for (const share of shares.slice(0, 2)) {
      await t.app.inject({ method: 'POST', url: '/v1/sys/unseal', payload: { share } });
    }
    expect(t.rootKey.isSealed()).toBe(false);
    await t.rootKey.ready();
  });
  afterAll(() => t?.close());

  it('records none of the values sent as path segments, once unsealed', async () => {
    expectAbsent(await trailDump(t, (await loggedInUser(t, ['admin'])).headers), values);
    expectNoneDropped(t);
  });
});
