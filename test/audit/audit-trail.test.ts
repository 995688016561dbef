/**
 * The audit trail against real databases (SQLite, and PostgreSQL when STRONGROOM_DATABASE_URL is set): appends,
 * group commit under concurrency, tamper detection through the database, fail-closed behaviour and retention.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent } from '../../src/audit/index.js';
import { isAppError } from '../../src/errors.js';
import { exportStoredCheckpoints, fromEventRow, verifyStoredChain } from '../../src/services/audit/index.js';
import { createTestApp, createTestClock, TEST_DATABASE_URL, type TestApp } from '../helpers/test-app.js';
import { readEvent, recordMany, renameTable, resetTrail, storedSeqs } from './helpers.js';

const kinds = TEST_DATABASE_URL === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

describe.each(kinds)('audit trail on %s', (database) => {
  let t: TestApp;
  const clock = createTestClock(Date.parse('2026-03-01T00:00:00Z'));
  const verify = () => verifyStoredChain(t.services.persistence.stores.audit);

  beforeAll(async () => {
    t = await createTestApp({ database, clock, flags: { auditRetentionDays: 30 } });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await resetTrail(t);
  });

  it('appends, chains and verifies a round trip', async () => {
    await recordMany(t, 25);
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: true, count: 25, from: 1 });
    const rows = await t.services.database.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    const first = fromEventRow(rows[0] as never);
    expect(first).toMatchObject({ seq: 1, action: 'record.read', resource: { collection: 'patients' } });
    const head = await t.services.database.db
      .selectFrom('audit_chain_head')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(Number(head.seq)).toBe(25);
    expect(head.hash).toBe(rows.at(-1)?.hash);
  });

  it('keeps the chain gapless under concurrent records and in-transaction appends', async () => {
    const reads = Array.from({ length: 300 }, (_, i) => t.services.audit.record(readEvent(i + 1)));
    const writes = Array.from({ length: 20 }, (_, i) =>
      t.services.persistence.transaction((stores) =>
        t.services.audit.appendInTransaction(stores, [
          { actor: 'user:w', action: 'record.update', resource: { recordId: `w${i}` }, outcome: 'allowed' },
          { actor: 'user:w', action: 'record.delete', resource: { recordId: `w${i}` }, outcome: 'allowed' },
        ]),
      ),
    );
    await Promise.all([...reads, ...writes]);
    const seqs = await storedSeqs(t);
    expect(seqs).toEqual(Array.from({ length: 340 }, (_, i) => i + 1));
    expect(await verify()).toMatchObject({ ok: true, count: 340 });
  });

  it('signs checkpoints of the head and exports them with the public key', async () => {
    expect(await t.services.audit.checkpointNow()).toBeNull();
    await recordMany(t, 5);
    const checkpoint = await t.services.audit.checkpointNow();
    expect(checkpoint).toMatchObject({ seq: 5 });
    expect(await t.services.audit.checkpointNow()).toMatchObject({
      seq: 5,
      signature: checkpoint?.signature,
    });
    const exported = await t.services.audit.exportCheckpoints();
    expect(exported.keys).toHaveLength(1);
    expect(exported.keys[0]?.kid).toBe(checkpoint?.kid);
    expect(exported.checkpoints).toEqual([checkpoint]);
    expect(await verify()).toMatchObject({ ok: true, checkpoints: 1 });
  });

  describe('tampering through the database names the first bad event', () => {
    const db = () => t.services.database.db;

    it('changed', async () => {
      await recordMany(t, 10);
      await db()
        .updateTable('audit_events')
        .set({ outcome: 'allowed', action: 'record.search' })
        .where('seq', '=', 4)
        .execute();
      expect(await verify()).toEqual({ ok: false, firstBadSeq: 4, problem: 'changed' });
    });

    it('changed and re-hashed (the next link breaks)', async () => {
      await recordMany(t, 10);
      const row = fromEventRow(
        (await db()
          .selectFrom('audit_events')
          .selectAll()
          .where('seq', '=', 4)
          .executeTakeFirstOrThrow()) as never,
      );
      const { prevHash, hash: _h, ...body } = row;
      const forged = hashEvent(prevHash, { ...body, outcome: 'allowed', actor: 'user:someone-else' });
      await db()
        .updateTable('audit_events')
        .set({ actor: 'user:someone-else', outcome: 'allowed', hash: forged })
        .where('seq', '=', 4)
        .execute();
      expect(await verify()).toEqual({ ok: false, firstBadSeq: 4, problem: 'changed' });
    });

    it('deleted', async () => {
      await recordMany(t, 10);
      await db().deleteFrom('audit_events').where('seq', '=', 6).execute();
      expect(await verify()).toEqual({ ok: false, firstBadSeq: 6, problem: 'deleted' });
    });

    it('inserted', async () => {
      await recordMany(t, 10);
      // Make room at seq 5 and forge an event that links onto seq 4.
      for (let seq = 10; seq >= 5; seq--) {
        await db()
          .updateTable('audit_events')
          .set({ seq: seq + 1 })
          .where('seq', '=', seq)
          .execute();
      }
      const four = fromEventRow(
        (await db()
          .selectFrom('audit_events')
          .selectAll()
          .where('seq', '=', 4)
          .executeTakeFirstOrThrow()) as never,
      );
      const forgedBody = { ...readEvent(99), seq: 5, time: four.time, resource: { collection: 'patients' } };
      const { requestId: _r, ...event } = forgedBody;
      const hash = hashEvent(four.hash, { ...event, resource: { collection: 'patients' } } as never);
      await db()
        .insertInto('audit_events')
        .values({
          seq: 5,
          time: four.time,
          occurred_at: Date.parse(four.time),
          actor: event.actor,
          action: event.action,
          resource: '{"collection":"patients"}',
          collection: 'patients',
          record_id: null,
          purpose: event.purpose ?? null,
          outcome: event.outcome,
          request_id: null,
          client_address: event.clientAddress ?? null,
          prev_hash: four.hash,
          hash,
        })
        .execute();
      const verdict = await verify();
      expect(verdict).toMatchObject({ ok: false, firstBadSeq: 6 });
    });

    it('reordered', async () => {
      await recordMany(t, 10);
      await db().updateTable('audit_events').set({ seq: 1000 }).where('seq', '=', 3).execute();
      await db().updateTable('audit_events').set({ seq: 3 }).where('seq', '=', 4).execute();
      await db().updateTable('audit_events').set({ seq: 4 }).where('seq', '=', 1000).execute();
      expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 3 });
    });

    it('truncated behind a checkpoint', async () => {
      await recordMany(t, 10);
      await t.services.audit.checkpointNow();
      await db().deleteFrom('audit_events').where('seq', '>', 7).execute();
      await db().updateTable('audit_chain_head').set({ seq: 7 }).where('id', '=', 1).execute();
      expect(await verify()).toEqual({ ok: false, firstBadSeq: 8, problem: 'truncated' });
    });

    it('truncated, with the checkpoints in the database removed too, against an exported checkpoint file', async () => {
      await recordMany(t, 10);
      await t.services.audit.checkpointNow();
      const exported = await exportStoredCheckpoints(t.services.persistence.stores.audit);
      await db().deleteFrom('audit_events').where('seq', '>', 7).execute();
      const seven = await db()
        .selectFrom('audit_events')
        .select('hash')
        .where('seq', '=', 7)
        .executeTakeFirstOrThrow();
      await db()
        .updateTable('audit_chain_head')
        .set({ seq: 7, hash: seven.hash })
        .where('id', '=', 1)
        .execute();
      await db().deleteFrom('audit_checkpoints').execute();
      expect(await verify()).toMatchObject({ ok: true, count: 7 });
      const verdict = await verifyStoredChain(t.services.persistence.stores.audit, exported);
      expect(verdict).toEqual({ ok: false, firstBadSeq: 8, problem: 'truncated' });
    });

    it('truncated after the newest checkpoint shows against the head row', async () => {
      await recordMany(t, 10);
      await db().deleteFrom('audit_events').where('seq', '>', 8).execute();
      expect(await verify()).toEqual({ ok: false, firstBadSeq: 9, problem: 'truncated' });
    });
  });

  describe('fails closed', () => {
    it('rejects record with AUDIT_UNAVAILABLE, rolls a data change back, reports, and recovers', async () => {
      const db = t.services.database.db;
      await recordMany(t, 2);
      await renameTable(t, 'audit_events', 'audit_events_gone');
      try {
        const error = await t.services.audit.record(readEvent(3)).catch((e: unknown) => e);
        expect(isAppError(error, 'AUDIT_UNAVAILABLE')).toBe(true);
        expect(t.services.audit.isHealthy()).toBe(false);
        const before = (await db.selectFrom('security_events').select('id').execute()).length;
        const change = t.services.persistence.transaction(async (stores) => {
          await stores.securityEvents.insert({
            id: crypto.randomUUID(),
            occurredAt: 0,
            type: 'x',
            userId: null,
            sessionId: null,
            apiKeyId: null,
            clientAddress: null,
            detail: {},
          });
          await t.services.audit.appendInTransaction(stores, [
            { actor: 'user:1', action: 'record.update', resource: { recordId: 'r1' }, outcome: 'allowed' },
          ]);
        });
        expect(isAppError(await change.catch((e: unknown) => e), 'AUDIT_UNAVAILABLE')).toBe(true);
        expect((await db.selectFrom('security_events').select('id').execute()).length).toBe(before);
        expect(t.logs.some((line) => line.includes('audit trail unavailable'))).toBe(true);

        const ready = await t.app.inject({ url: '/readyz' });
        expect(ready.statusCode).toBe(503);
        expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      } finally {
        await renameTable(t, 'audit_events_gone', 'audit_events');
      }
      await t.services.audit.tick();
      expect(t.services.audit.isHealthy()).toBe(true);
      await t.services.audit.record(readEvent(4));
      expect(await storedSeqs(t)).toEqual([1, 2, 3]);
      expect(await verify()).toMatchObject({ ok: true, count: 3 });
    });
  });

  it('prunes only events older than retention and at or below a signed checkpoint', async () => {
    const db = t.services.database.db;
    await recordMany(t, 10);
    await t.services.audit.checkpointNow(); // seq 10
    clock.advance(10 * 86_400_000);
    await recordMany(t, 5, 11);
    await t.services.audit.checkpointNow(); // seq 15
    await recordMany(t, 5, 16); // not checkpointed
    const before = await exportStoredCheckpoints(t.services.persistence.stores.audit);
    clock.advance(25 * 86_400_000); // events 1..10 are 35 days old, 11..20 are 25 days old
    expect(await t.services.audit.prune()).toEqual({ removed: 10, anchorSeq: 10 });
    expect(await storedSeqs(t)).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));
    expect(await verify()).toMatchObject({ ok: true, count: 10, from: 11 });
    expect(await verifyStoredChain(t.services.persistence.stores.audit, before)).toMatchObject({
      ok: true,
      from: 11,
    });

    clock.advance(10 * 86_400_000); // all 20 are old now, but 16..20 are not behind a checkpoint
    expect(await t.services.audit.prune()).toEqual({ removed: 5, anchorSeq: 15 });
    expect(await storedSeqs(t)).toEqual([16, 17, 18, 19, 20]);
    expect(await verify()).toMatchObject({ ok: true, count: 5, from: 16 });
    // A forged anchor with no checkpoint behind it is refused.
    await db.updateTable('audit_chain_head').set({ anchor_seq: 16 }).where('id', '=', 1).execute();
    expect(await verify()).toMatchObject({ ok: false, problem: 'unanchored' });
  });

  it('refuses events that could carry a value', async () => {
    const bad = [
      { ...readEvent(1), action: 'record.peek' },
      { ...readEvent(1), actor: 'alice@example.com' },
      { ...readEvent(1), resource: { recordId: '4111 1111 1111 1111' } },
      { ...readEvent(1), resource: { recordId: '4111111111111111' } },
      { ...readEvent(1), purpose: 'because the patient said so' },
      { ...readEvent(1), resource: { fields: ['name', ''] } },
    ];
    for (const event of bad) await expect(t.services.audit.record(event as never)).rejects.toThrow(TypeError);
    expect(await storedSeqs(t)).toEqual([]);
  });

  it('HMACs sensitive identifiers with a key derived for that purpose only', () => {
    const a = t.services.audit.hmacIdentifier('alice@example.com');
    expect(a).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(t.services.audit.hmacIdentifier('alice@example.com')).toBe(a);
    expect(t.services.audit.hmacIdentifier('bob@example.com')).not.toBe(a);
    return t.services.audit.record({ ...readEvent(1), actor: a });
  });
});
