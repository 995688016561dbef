/**
 * Guarantee: the subject search finds a person both ways. `POST /v1/audit/events/search` with a subject id answers
 * the events whose data subject it is and the events in which the user with that subject id acted (their login,
 * their password change, the reads they made: `actor_subject`), on SQLite and PostgreSQL; the trail still
 * verifies; the subject id itself appears nowhere in the trail.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/audit/index.js';
import { verifyStoredChain } from '../../src/services/audit/index.js';
import {
  createTestApp,
  loggedInUser,
  login,
  strongPassword,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';
import { patient, vaultApi } from '../helpers/vault.js';

const kinds = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);
const hex = () => randomBytes(5).toString('hex');
const SCHEMA_FILE = path.join(import.meta.dirname, '../../docs/audit-event.schema.json');

describe.each(kinds)('the subject search finds the acting person too (%s)', (database) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof loggedInUser>>;
  const personSubject = `person-${hex()}`;
  const otherSubject = `patient-${hex()}`;
  const username = `p${hex()}`;
  const password = strongPassword();
  let personId = '';
  let recordId = '';
  const seqs: Record<string, number> = {};

  const stored = (subject: string) =>
    `hmac:${Buffer.from(t.services.subjects.hash(subject), 'base64url').toString('hex')}`;
  async function search(subject: string): Promise<WireEvent[]> {
    const answer = await vaultApi(t, admin.headers, null).call('POST', '/v1/audit/events/search', {
      subject,
      limit: 500,
    });
    expect(answer.statusCode, answer.body).toBe(200);
    return (answer.json() as { events: WireEvent[] }).events;
  }
  async function lastSeq(): Promise<number> {
    return (await t.services.persistence.stores.audit.readHead()).seq;
  }

  beforeAll(async () => {
    t = await createTestApp({ database });
    admin = await loggedInUser(t, ['admin']);
    expect((await vaultApi(t, admin.headers).createCollection('patients')).statusCode).toBe(201);
    const created = await vaultApi(t, admin.headers).create('patients', patient(1), otherSubject);
    expect(created.statusCode, created.body).toBe(201);
    recordId = (created.json() as { id: string }).id;
    personId = (
      await t.services.users.create({ username, password, roles: ['admin'], subject: personSubject })
    ).id;
    const tokens = await login(t, username, password);
    seqs.login = await lastSeq();
    const person = { authorization: `Bearer ${tokens.access_token}` };
    const read = await vaultApi(t, person).read('patients', recordId, '?reveal=ssn');
    expect(read.statusCode, read.body).toBe(200);
    seqs.read = await lastSeq();
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: person,
      payload: { current_password: password, new_password: strongPassword() },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    seqs.password = await lastSeq();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("finds the person's login, read and password change as actor by the person's subject id", async () => {
    const found = await search(personSubject);
    const mine = found.filter((e) => e.actor_subject === stored(personSubject));
    expect(mine.map((e) => e.actor)).toEqual(mine.map(() => `user:${personId}`));
    const byAction = (action: string) => mine.find((e) => e.action === action);
    expect(byAction('auth.login')).toMatchObject({ seq: seqs.login, outcome: 'allowed' });
    expect(byAction('record.read')).toMatchObject({
      seq: seqs.read,
      resource: { record_id: recordId },
      subject: stored(otherSubject),
      release: { ssn: 'plain' },
    });
    expect(byAction('auth.password_change')).toMatchObject({ seq: seqs.password });
    // Every event found is the person's, as actor or as data subject; no one else's.
    for (const event of found) {
      expect([event.actor_subject, event.subject], String(event.seq)).toContain(stored(personSubject));
    }
    // The administrator's events (no subject id) carry no actor subject.
    const all = await search(otherSubject);
    expect(
      all.filter((e) => e.actor === `user:${admin.id}`).every((e) => e.actor_subject === undefined),
    ).toBe(true);
  });

  it('finds the read by the data subject of the record read, naming the person as actor', async () => {
    const found = await search(otherSubject);
    const read = found.find((e) => e.seq === seqs.read);
    expect(read).toMatchObject({
      action: 'record.read',
      subject: stored(otherSubject),
      actor_subject: stored(personSubject),
    });
    expect(found.some((e) => e.action === 'auth.login')).toBe(false);
  });

  it('emits events with an actor subject that validate against docs/audit-event.schema.json', async () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/);
    ajv.addFormat('int32', true);
    ajv.addFormat('int64', true);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
    const found = await search(personSubject);
    expect(found.filter((e) => e.actor_subject !== undefined).length).toBeGreaterThanOrEqual(3);
    for (const event of found) expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    // A malformed actor subject is refused by the schema.
    expect(validate({ ...found[0], actor_subject: personSubject })).toBe(false);
  });

  it('keeps the chain verifiable and the subject ids out of the trail', async () => {
    expect(await verifyStoredChain(t.services.persistence.stores.audit)).toMatchObject({ ok: true });
    const rows = await t.services.database.db.selectFrom('audit_events').selectAll().execute();
    const text = JSON.stringify(rows);
    expect(text).not.toContain(personSubject);
    expect(text).not.toContain(otherSubject);
    expect(rows.filter((r) => r.actor_subject === stored(personSubject)).length).toBeGreaterThanOrEqual(3);
  });
});
