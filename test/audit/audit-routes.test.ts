/** The audit endpoints: access, filters and pagination, the HMAC lookup, checkpoint export, fail-closed answers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';
import { readEvent, recordMany, renameTable, resetTrail } from './helpers.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof loggedInUser>>;
const mirrorFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-mirror-')), 'audit.jsonl');

beforeAll(async () => {
  t = await createTestApp();
  admin = await loggedInUser(t, ['admin']);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(path.dirname(mirrorFile), { recursive: true, force: true });
});
beforeEach(async () => {
  await resetTrail(t);
});

interface Page {
  events: Array<{ seq: number; actor: string | null; action: string; outcome: string; resource: object }>;
  next_cursor: string | null;
}

const get = async (query: string) => {
  const response = await t.app.inject({ url: `/v1/audit/events${query}`, headers: admin.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Page;
};

describe('audit endpoints', () => {
  it('are for admins only', async () => {
    const user = await loggedInUser(t);
    for (const [method, url] of [
      ['GET', '/v1/audit/events'],
      ['GET', '/v1/audit/checkpoints'],
      ['POST', '/v1/audit/hash'],
    ] as const) {
      const response = await t.app.inject({
        method,
        url,
        headers: user.headers,
        ...(method === 'POST' ? { payload: { value: 'x' } } : {}),
      });
      expect(response.statusCode).toBe(403);
      expect((await t.app.inject({ method, url })).statusCode).toBe(401);
    }
  });

  it('filter, paginate, and audit the query itself', async () => {
    await recordMany(t, 12);
    const denied = await get('?outcome=denied');
    expect(denied.events.map((e) => e.seq)).toEqual([5, 10]);
    expect(denied.events[0]).toMatchObject({
      resource: { collection: 'patients', record_id: 'r5', fields: ['name', 'email'] },
      purpose: 'support',
      request_id: 'req-5',
      client_address: '192.0.2.1',
    });
    expect((await get('?actor=user:3&record_id=r3')).events.map((e) => e.seq)).toEqual([3]);
    const first = await get('?limit=5&action=record.read');
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const second = await get(`?limit=5&action=record.read&cursor=${first.next_cursor}`);
    expect(second.events.map((e) => e.seq)).toEqual([6, 7, 8, 9, 10]);
    const third = await get(`?limit=5&action=record.read&cursor=${second.next_cursor}`);
    expect(third.events.map((e) => e.seq)).toEqual([11, 12]);
    expect(third.next_cursor).toBeNull();
    expect((await get('?until=2000-01-01T00:00:00Z')).events).toEqual([]);
    const queries = await get('?action=audit.query');
    expect(queries.events.length).toBeGreaterThanOrEqual(6);
    expect(queries.events[0]?.actor).toBe(`user:${admin.id}`);
    const bad = await t.app.inject({ url: '/v1/audit/events?since=yesterday', headers: admin.headers });
    expect(bad.statusCode).toBe(400);
  });

  it('hash a value from the body so an auditor can find events by it, never echoing it', async () => {
    const email = 'carol.canary@example.com';
    await t.services.audit.record({
      ...readEvent(1),
      action: 'record.search',
      actor: t.services.audit.hmacIdentifier(email),
    });
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/audit/hash',
      headers: admin.headers,
      payload: { value: email },
    });
    expect(response.statusCode).toBe(200);
    const { hmac } = response.json() as { hmac: string };
    expect(response.body).not.toContain(email);
    const found = await get(`?actor=${hmac}`);
    expect(found.events.map((e) => e.action)).toEqual(['record.search']);
    for (const line of t.logs) expect(line).not.toContain(email);
    const stored = await sql<{
      dump: string;
    }>`select group_concat(actor || resource, '') as dump from audit_events`.execute(t.services.database.db);
    expect(stored.rows[0]?.dump).not.toContain('carol');
  });

  it('export checkpoints with their public keys', async () => {
    await recordMany(t, 3);
    await t.services.audit.checkpointNow();
    const response = await t.app.inject({ url: '/v1/audit/checkpoints', headers: admin.headers });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      keys: Array<{ kid: string }>;
      checkpoints: Array<{ seq: number; kid: string }>;
    };
    expect(body.checkpoints).toEqual([expect.objectContaining({ seq: 3, kid: body.keys[0]?.kid })]);
    expect(response.body).not.toMatch(/"d"|private/);
  });

  it('answer 503 AUDIT_UNAVAILABLE when the trail cannot be written, while health and login keep working', async () => {
    await renameTable(t, 'audit_events', 'audit_events_gone');
    try {
      const response = await t.app.inject({ url: '/v1/audit/events', headers: admin.headers });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: { code: 'AUDIT_UNAVAILABLE' } });
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
      await loggedInUser(t);
    } finally {
      await renameTable(t, 'audit_events_gone', 'audit_events');
    }
    await t.services.audit.tick();
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('mirror committed events to a JSONL file, once each', async () => {
    const m = await createTestApp({ flags: { auditMirrorFile: mirrorFile } });
    try {
      await recordMany(m, 4);
      await m.services.audit.tick();
      await recordMany(m, 2, 5);
      await m.services.audit.tick();
      const lines = fs
        .readFileSync(mirrorFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { seq: number; hash: string });
      // Seq 1 is the built-in default policy installed at start (policy.update), then the six recorded here.
      expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(fs.statSync(mirrorFile).mode & 0o077).toBe(0);
    } finally {
      await m.close();
    }
  });

  it('commits record batches with synchronous = FULL and restores the connection level', async () => {
    await recordMany(t, 3);
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(t.services.database.db);
    expect(rows[0]?.synchronous).toBe(1);
  });
});
