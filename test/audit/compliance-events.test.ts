/**
 * Guarantee: the trail alone answers a compliance officer's questions.
 * - "Who saw this person's SSN in plain, when, and why": `POST /v1/audit/events/search` with the subject finds every
 *   event of the person, and each data event says per field the level released (plain, masked, redacted,
 *   withheld), so a masked read and a reveal differ.
 * - "What was refused, and why": every refusal carries a reason code (PURPOSE_REQUIRED, PURPOSE_UNKNOWN,
 *   DENIED_BY_RULE with the rule's role, index and the policy version, RATE_LIMITED, TOO_MANY_ATTEMPTS,
 *   INVALID_CREDENTIALS, …), never a value.
 * - One schema everywhere: a realistic scenario driven through the HTTP app emits every event kind, and every event
 *   read back through `GET /v1/audit/events`, the JSONL mirror and `strongroom audit export` validates against
 *   docs/audit-event.schema.json (Ajv), is snake_case, and still verifies against its hash.
 * - `POST /v1/audit/hash` answers exactly what the trail stores for a subject id and a username.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Ajv } from 'ajv';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromWireEvent, isIntactEvent, type WireEvent } from '../../src/audit/index.js';
import { auditExport } from '../../src/cli/audit.js';
import { publishedEventSchema } from '../../src/http/audit-schemas.js';
import { createPlainHttpServer } from '../../src/http/plain-http-server.js';
import { AUDIT_ACTIONS } from '../../src/services/audit/index.js';
import { usernameKey } from '../../src/storage/index.js';
import {
  createTestApp,
  createTestClock,
  createUser,
  loggedInUser,
  login,
  strongPassword,
  type TestApp,
} from '../helpers/test-app.js';
import { PATIENT_FIELDS } from '../helpers/vault.js';

const SCHEMA_FILE = path.join(import.meta.dirname, '../../docs/audit-event.schema.json');
/** Actions no route emits today (kept in the list for events of earlier versions and future use). */
const NOT_EMITTED = new Set(['collection.read', 'audit.export', 'auth.refresh']);

function validator() {
  const ajv = new Ajv({ strict: true, allErrors: true });
  // JSON Schema formats the published schema uses (OpenAPI's int32/int64 are informative only).
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('int32', true);
  ajv.addFormat('int64', true);
  return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
}

describe('the published event schema', () => {
  it('is the schema the server answers with (regenerate: node scripts/generate-audit-schema.mjs)', () => {
    expect(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(publishedEventSchema())),
    );
  });
});

describe('compliance questions, answered from the trail', () => {
  let t: TestApp;
  const clock = createTestClock();
  const mirrorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-compliance-'));
  const mirrorFile = path.join(mirrorDir, 'audit.jsonl');
  const subject = `person-${process.pid}-${Date.now()}`;
  const ssn = '219-09-9999';
  let admin: Awaited<ReturnType<typeof loggedInUser>>;
  let owner: Awaited<ReturnType<typeof loggedInUser>>;
  let other: Awaited<ReturnType<typeof loggedInUser>>;
  let id = '';
  let policyVersion = 0;
  const requests: Record<string, string> = {};

  type Who = { headers: Record<string, string> };
  async function call(
    who: Who | null,
    method: string,
    url: string,
    payload?: object,
    purpose: string | null = 'support',
  ) {
    const headers = { ...(who?.headers ?? {}), ...(purpose === null ? {} : { 'x-access-purpose': purpose }) };
    return t.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
  }
  async function expectStatus(label: string, status: number, response: Promise<LightMyRequestResponse>) {
    const answered = await response;
    expect(answered.statusCode, `${label}: ${answered.body}`).toBe(status);
    requests[label] = String(answered.headers['x-request-id']);
    return answered;
  }

  async function allEvents(): Promise<WireEvent[]> {
    const events: WireEvent[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        admin,
        'GET',
        `/v1/audit/events?limit=500${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json() as { events: WireEvent[]; next_cursor: string | null };
      events.push(...body.events);
      cursor = body.next_cursor;
    } while (cursor !== null);
    return events;
  }
  const byRequest = (events: WireEvent[], label: string) =>
    events.filter((e) => e.request_id === requests[label]);

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      flags: {
        auditMirrorFile: mirrorFile,
        accountThrottleFreeAttempts: '1',
        accountThrottleLockoutAfter: '2',
        accountThrottleBaseDelaySeconds: '30',
        quotaDetokenizeCapacity: '2',
        quotaDetokenizePerMinute: '1',
      },
    });
    admin = await loggedInUser(t, ['admin']);
    owner = await loggedInUser(t);
    other = await loggedInUser(t);
    await runScenario();
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(mirrorDir, { recursive: true, force: true });
  });

  async function runScenario(): Promise<void> {
    // Authentication.
    await expectStatus(
      'wrong password',
      401,
      call(null, 'POST', '/v1/auth/login', { username: owner.username, password: 'Wrong-password-1' }, null),
    );
    await expectStatus(
      'unknown user',
      401,
      call(null, 'POST', '/v1/auth/login', { username: 'Nobody-Here', password: 'Wrong-password-1' }, null),
    );
    const victim = await createUser(t);
    // One free failure, then a delay (waited out), then the lockout; an attempt during it is throttled.
    for (let i = 0; i < 4; i++) {
      const r = await call(
        null,
        'POST',
        '/v1/auth/login',
        { username: victim.username, password: `Wrong-${i}-password` },
        null,
      );
      requests[`victim ${i}`] = String(r.headers['x-request-id']);
      if (i < 2) clock.advance(31_000);
    }
    clock.advance(1000);
    const session = await createUser(t);
    const tokens = await login(t, session.username, session.password);
    await expectStatus(
      'refresh',
      200,
      call(null, 'POST', '/v1/auth/refresh', { refresh_token: tokens.refresh_token }, null),
    );
    await expectStatus(
      'refresh reuse',
      401,
      call(null, 'POST', '/v1/auth/refresh', { refresh_token: tokens.refresh_token }, null),
    );
    const again = await login(t, session.username, session.password);
    const sessionWho = { headers: { authorization: `Bearer ${again.access_token}` } };
    await expectStatus(
      'introspect',
      200,
      call(admin, 'POST', '/v1/auth/introspect', { token: again.access_token }, null),
    );
    const key = await expectStatus(
      'api key',
      201,
      call(sessionWho, 'POST', '/v1/api-keys', { name: 'ci' }, null),
    );
    await expectStatus(
      'revoke key',
      204,
      call(sessionWho, 'DELETE', `/v1/api-keys/${(key.json() as { id: string }).id}`, undefined, null),
    );
    await expectStatus(
      'password',
      204,
      call(
        sessionWho,
        'PUT',
        '/v1/me/password',
        { current_password: session.password, new_password: strongPassword() },
        null,
      ),
    );
    const relogged = await createUser(t);
    const relog = await login(t, relogged.username, relogged.password);
    await expectStatus(
      'logout',
      204,
      call(
        { headers: { authorization: `Bearer ${relog.access_token}` } },
        'POST',
        '/v1/auth/logout',
        undefined,
        null,
      ),
    );
    await exposeOverPlainHttp();

    // Administration.
    const made = await expectStatus(
      'user create',
      201,
      call(
        admin,
        'POST',
        '/v1/users',
        { username: `compliance${process.pid}`, password: strongPassword() },
        null,
      ),
    );
    const madeId = (made.json() as { id: string }).id;
    await expectStatus(
      'user update',
      200,
      call(admin, 'PATCH', `/v1/users/${madeId}`, { roles: ['user'] }, null),
    );
    await expectStatus(
      'user password reset',
      200,
      call(admin, 'POST', `/v1/users/${madeId}/password-reset`, undefined, null),
    );
    await expectStatus('user delete', 204, call(admin, 'DELETE', `/v1/users/${madeId}`, undefined, null));
    await expectStatus(
      'collection',
      201,
      call(admin, 'POST', '/v1/collections', { name: 'patients', fields: PATIENT_FIELDS }, null),
    );
    await expectStatus(
      'collection field',
      201,
      call(
        admin,
        'POST',
        '/v1/collections',
        { name: 'scratch', fields: [{ name: 'a', type: 'string' }] },
        null,
      ),
    );
    await expectStatus(
      'collection update',
      200,
      call(admin, 'POST', '/v1/collections/scratch/fields', { name: 'b', type: 'string' }, null),
    );
    await expectStatus(
      'collection drop',
      200,
      call(admin, 'DELETE', '/v1/collections/scratch', { confirm: 'scratch' }, null),
    );

    // Data: create, a masked read, a reveal, a read without purpose.
    const created = await expectStatus(
      'create',
      201,
      call(owner, 'POST', '/v1/collections/patients/records', {
        subject,
        fields: {
          name: 'Jane Roe',
          email: 'jane.roe@example.com',
          ssn,
          card: '4111111111111111',
          phone: '+14155550199',
          tenant_id: 't1',
          age: 41,
        },
      }),
    );
    id = (created.json() as { id: string }).id;
    await expectStatus('masked read', 200, call(owner, 'GET', `/v1/collections/patients/records/${id}`));
    await expectStatus(
      'reveal',
      200,
      call(owner, 'GET', `/v1/collections/patients/records/${id}?reveal=ssn,subject`),
    );
    await expectStatus(
      'no purpose',
      200,
      call(owner, 'GET', `/v1/collections/patients/records/${id}`, undefined, null),
    );
    await expectStatus(
      'redacted list',
      200,
      call(owner, 'GET', '/v1/collections/patients/records?filter.tenant_id=t1&redaction=redacted'),
    );
    await expectStatus(
      'search',
      200,
      call(owner, 'POST', '/v1/collections/patients/records/search', {
        where: { email: 'jane.roe@example.com' },
      }),
    );
    await expectStatus(
      'update',
      200,
      call(owner, 'PATCH', `/v1/collections/patients/records/${id}`, { fields: { age: 42 } }),
    );

    // Refusals.
    await expectStatus(
      'reveal without purpose',
      403,
      call(other, 'GET', `/v1/collections/patients/records/${id}?reveal=ssn`, undefined, null),
    );
    await expectStatus(
      'unknown purpose',
      400,
      call(owner, 'GET', `/v1/collections/patients/records/${id}`, undefined, 'marketing'),
    );
    await expectStatus('keys by user', 403, call(owner, 'GET', '/v1/keys/jobs', undefined, null));
    await expectStatus('posture', 200, call(admin, 'GET', '/v1/sys/posture', undefined, null));
    // A deny rule for the `user` role, then a reveal it denies.
    const current = await call(admin, 'GET', '/v1/policies/current', undefined, null);
    const document = (current.json() as { document: { roles: { user: { rules: object[] } } } }).document;
    document.roles.user.rules.push({
      effect: 'deny',
      actions: ['read'],
      resources: ['collections/patients/fields/card'],
    });
    const put = await expectStatus('policy', 200, call(admin, 'PUT', '/v1/policies', document, null));
    policyVersion = (put.json() as { version: number }).version;
    await expectStatus(
      'denied by rule',
      403,
      call(owner, 'GET', `/v1/collections/patients/records/${id}?reveal=card`),
    );

    // Tokens: two detokenizations within the quota, the third refused.
    const token = await expectStatus(
      'tokenize',
      201,
      call(owner, 'POST', '/v1/tokens', {
        kind: 'random',
        source: { collection: 'patients', record: id, field: 'ssn' },
      }),
    );
    const value = (token.json() as { token: string }).token;
    const others = await call(other, 'POST', '/v1/tokens', {
      kind: 'random',
      type: 'email',
      value: 'other@example.com',
    });
    const othersToken = (others.json() as { token: string }).token;
    await expectStatus('detokenize', 200, call(owner, 'POST', '/v1/tokens/detokenize', { tokens: [value] }));
    await expectStatus(
      'detokenize unknown',
      200,
      call(owner, 'POST', '/v1/tokens/detokenize', { tokens: [othersToken] }),
    );
    await expectStatus(
      'rate limited',
      429,
      call(owner, 'POST', '/v1/tokens/detokenize', { tokens: [value] }),
    );
    await expectStatus('token delete', 204, call(owner, 'POST', '/v1/tokens/delete', { token: value }));

    // Keys, a second record deleted, erasure, the auditor's own calls.
    await expectStatus(
      'rotate',
      202,
      call(admin, 'POST', '/v1/keys/rotate', { target: 'collection', collection: 'patients' }, null),
    );
    const doomed = await call(owner, 'POST', '/v1/collections/patients/records', {
      fields: { tenant_id: 't2' },
    });
    await expectStatus(
      'delete',
      204,
      call(owner, 'DELETE', `/v1/collections/patients/records/${(doomed.json() as { id: string }).id}`),
    );
    await expectStatus(
      'erase',
      200,
      call(admin, 'POST', '/v1/subjects/erase', { subject }, 'data_subject_request'),
    );
    await expectStatus('checkpoints', 200, call(admin, 'GET', '/v1/audit/checkpoints', undefined, null));
    await expectStatus(
      'hash',
      200,
      call(admin, 'POST', '/v1/audit/hash', { value: subject, kind: 'subject' }, null),
    );
  }

  async function exposeOverPlainHttp(): Promise<void> {
    const plain = createPlainHttpServer({ revoker: t.services.revoker, logger: t.logger });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const exposed = await loggedInUser(t);
      const port = (plain.address() as AddressInfo).port;
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/v1/me', headers: exposed.headers, agent: false }, (r) => {
            r.resume();
            r.on('end', resolve);
          })
          .on('error', reject);
      });
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  }

  it('emits every event kind, and every event validates against the published schema, through every reader', async () => {
    const validate = validator();
    const events = await allEvents();
    const emitted = new Set(events.map((e) => e.action));
    expect(AUDIT_ACTIONS.filter((a) => !emitted.has(a) && !NOT_EMITTED.has(a))).toEqual([]);
    for (const event of events) {
      expect(validate(event), `${event.action}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(isIntactEvent(fromWireEvent(event))).toBe(true);
    }
    await t.services.audit.tick();
    const mirrored = fs
      .readFileSync(mirrorFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as WireEvent);
    let exported = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        exported += String(chunk);
        done();
      },
    });
    await auditExport(t.config, { since: '2000-01-01T00:00:00Z' }, sink);
    const lines = exported
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as WireEvent);
    for (const [name, read] of [
      ['mirror', mirrored],
      ['export', lines],
    ] as const) {
      expect(read.length, name).toBeGreaterThanOrEqual(events.length);
      for (const event of read)
        expect(validate(event), `${name} ${event.action}: ${JSON.stringify(validate.errors)}`).toBe(true);
      // The same events, in the same names, as the API serves.
      expect(read.slice(0, events.length), name).toEqual(events);
    }
  });

  it('tells a masked read, a reveal, a redacted list and a read without purpose apart, field by field', async () => {
    const events = await allEvents();
    const release = (label: string) => byRequest(events, label).map((e) => e.release);
    expect(release('masked read')).toEqual([
      {
        name: 'masked',
        email: 'masked',
        ssn: 'masked',
        card: 'masked',
        phone: 'masked',
        tenant_id: 'plain',
        age: 'plain',
        subject: 'masked',
      },
    ]);
    expect(release('reveal')[0]).toMatchObject({ ssn: 'plain', email: 'masked', subject: 'plain' });
    expect(release('redacted list')[0]).toMatchObject({
      ssn: 'redacted',
      name: 'redacted',
      tenant_id: 'plain',
    });
    expect(release('no purpose')[0]).toMatchObject({ ssn: 'withheld', name: 'withheld', tenant_id: 'plain' });
    expect(release('detokenize')).toEqual([{ ssn: 'plain' }]);
  });

  it('says why each refusal was refused, and never with a value', async () => {
    const events = await allEvents();
    const refusal = (label: string) =>
      byRequest(events, label).map((e) => ({ outcome: e.outcome, reason: e.reason }));
    expect(refusal('reveal without purpose')).toEqual([
      { outcome: 'denied', reason: expect.objectContaining({ code: 'PURPOSE_REQUIRED' }) },
    ]);
    expect(refusal('unknown purpose')).toEqual([
      { outcome: 'denied', reason: expect.objectContaining({ code: 'PURPOSE_UNKNOWN' }) },
    ]);
    const rules = (await call(admin, 'GET', '/v1/policies/current', undefined, null)).json() as {
      document: { roles: { user: { rules: object[] } } };
    };
    expect(refusal('denied by rule')).toEqual([
      {
        outcome: 'denied',
        reason: {
          code: 'DENIED_BY_RULE',
          role: 'user',
          rule: rules.document.roles.user.rules.length - 1,
          policy_version: policyVersion,
        },
      },
    ]);
    expect(refusal('keys by user')).toEqual([
      { outcome: 'denied', reason: expect.objectContaining({ code: 'NO_MATCHING_RULE' }) },
    ]);
    expect(refusal('rate limited')).toEqual([{ outcome: 'rate_limited', reason: { code: 'RATE_LIMITED' } }]);
    expect(refusal('detokenize unknown')).toEqual([
      { outcome: 'denied', reason: { code: 'TOKEN_NOT_FOUND' } },
    ]);
    expect(refusal('wrong password')).toEqual([
      { outcome: 'denied', reason: { code: 'INVALID_CREDENTIALS' } },
    ]);
    expect(refusal('refresh reuse')).toEqual(
      expect.arrayContaining([{ outcome: 'denied', reason: { code: 'INVALID_REFRESH_TOKEN' } }]),
    );
    const throttled = ['victim 0', 'victim 1', 'victim 2', 'victim 3'].flatMap((label) => refusal(label));
    expect(throttled).toEqual(
      expect.arrayContaining([{ outcome: 'rate_limited', reason: { code: 'TOO_MANY_ATTEMPTS' } }]),
    );
    // Every event that is not allowed says why.
    for (const event of events.filter((e) => e.outcome !== 'allowed'))
      expect(event.reason, event.action).toBeDefined();
    for (const event of events) expect(JSON.stringify(event)).not.toContain(ssn);
  });

  it('finds every event of the subject by the subject id in the body, and answers who saw the SSN in plain', async () => {
    const search = await call(admin, 'POST', '/v1/audit/events/search', { subject, limit: 500 }, null);
    expect(search.statusCode, search.body).toBe(200);
    const found = (search.json() as { events: WireEvent[] }).events;
    const stored = `hmac:${Buffer.from(t.services.subjects.hash(subject), 'base64url').toString('hex')}`;
    expect(new Set(found.map((e) => e.subject))).toEqual(new Set([stored]));
    expect(found.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'record.create',
        'record.read',
        'record.list',
        'record.search',
        'record.update',
        'record.tokenize',
        'record.detokenize',
        'token.delete',
        'subject.erase',
      ]),
    );
    // Every event of the trail naming the record is found.
    const all = await allEvents();
    const ofRecord = all
      .filter((e) => e.resource.record_id === id && e.outcome === 'allowed')
      .map((e) => e.seq);
    expect(found.map((e) => e.seq)).toEqual(expect.arrayContaining(ofRecord));
    const sawSsn = found.filter((e) => e.release?.ssn === 'plain');
    expect(sawSsn.map((e) => ({ actor: e.actor, action: e.action, purpose: e.purpose }))).toEqual([
      { actor: `user:${owner.id}`, action: 'record.read', purpose: 'support' },
      { actor: `user:${owner.id}`, action: 'record.detokenize', purpose: 'support' },
    ]);
    for (const event of sawSsn) expect(event.time).toMatch(/^\d{4}-/);
    // The subject id itself was never stored, nor echoed.
    expect(search.body).not.toContain(subject);
    expect(JSON.stringify(all)).not.toContain(subject);
    // With the other filters, in the body too.
    const erasures = await call(
      admin,
      'POST',
      '/v1/audit/events/search',
      { subject, action: 'subject.erase' },
      null,
    );
    expect((erasures.json() as { events: WireEvent[] }).events.map((e) => e.action)).toEqual([
      'subject.erase',
    ]);
  });

  it('answers, by kind, exactly the identifier the trail stores', async () => {
    const hash = async (value: string, kind?: string) =>
      (
        (
          await call(
            admin,
            'POST',
            '/v1/audit/hash',
            { value, ...(kind === undefined ? {} : { kind }) },
            null,
          )
        ).json() as {
          hmac: string;
        }
      ).hmac;
    const events = await allEvents();
    const erasure = events.find((e) => e.action === 'subject.erase');
    expect(await hash(subject, 'subject')).toBe(erasure?.subject);
    const unknown = byRequest(events, 'unknown user')[0];
    expect(await hash('Nobody-Here', 'username')).toBe(unknown?.actor);
    expect(await hash(usernameKey('Nobody-Here'))).toBe(unknown?.actor);
    const filtered = await call(
      admin,
      'GET',
      `/v1/audit/events?actor=${encodeURIComponent(unknown?.actor ?? '')}`,
      undefined,
      null,
    );
    expect((filtered.json() as { events: WireEvent[] }).events.map((e) => e.request_id)).toEqual([
      requests['unknown user'],
    ]);
  });
});
