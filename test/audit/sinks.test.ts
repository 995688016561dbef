/**
 * Guarantee: committed audit events stream to a SIEM in seq order, at least once, through a real syslog receiver
 * over TLS (RFC 5425/5424) and a real HTTPS webhook (HMAC-SHA256 signed), both on this machine with a test CA:
 * - a receiver that fails and recovers loses nothing and sees nothing out of order (it may see a batch twice);
 * - the cursor lives in the database: after a restart the sink resumes after the last confirmed event;
 * - the receiver detects gaps with the chain itself: every item links to the one before by `prev_hash`, and
 *   events a sink filter leaves out (never left out of the trail) are replaced by a `skipped` marker that keeps
 *   the link.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { fromWireEvent, GENESIS_HASH, isIntactEvent, type WireEvent } from '../../src/audit/index.js';
import { loadConfig } from '../../src/config.js';
import { isAppError } from '../../src/errors.js';
import { ensureDevCertificates, loadTlsFiles } from '../../src/tls/index.js';
import { type Received, startSyslogReceiver, startWebhookReceiver } from '../helpers/audit-receivers.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { readEvent, storedSeqs } from './helpers.js';

const SECRET = 'webhook-secret-for-tests-0123456789abcdef';

/** The first delivery of each seq, in the order received; throws if anything came out of order. */
function firstDeliveries(items: Received[]): Received[] {
  const seen: Received[] = [];
  let last = 0;
  for (const item of items) {
    const skipped = item.skipped as { from_seq: number; to_seq: number } | undefined;
    const first = skipped?.from_seq ?? (item.seq as number);
    const end = skipped?.to_seq ?? (item.seq as number);
    if (end <= last) continue; // a redelivery of something already seen
    expect(first, 'no gap, no reordering').toBe(last + 1);
    seen.push(item);
    last = end;
  }
  return seen;
}

/** Checks the chain across everything received: each item links to the previous one's hash. */
function expectLinked(items: Received[]): void {
  let prev = GENESIS_HASH;
  for (const item of items) {
    const skipped = item.skipped as { hash: string } | undefined;
    if (skipped !== undefined) {
      prev = skipped.hash;
      continue;
    }
    const event = item as unknown as WireEvent;
    expect(event.prev_hash, `seq ${event.seq}`).toBe(prev);
    expect(isIntactEvent(fromWireEvent(event))).toBe(true);
    prev = event.hash;
  }
}

function lastSeq(items: Received[]): number {
  const last = items.at(-1) as { seq?: number; skipped?: { to_seq: number } } | undefined;
  return last?.skipped?.to_seq ?? last?.seq ?? 0;
}

describe('audit sinks (syslog over TLS, HTTPS webhook)', () => {
  let t: TestApp;
  let syslog: Awaited<ReturnType<typeof startSyslogReceiver>>;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let flags: Record<string, string>;
  let restarted: Awaited<ReturnType<typeof buildApp>> | null = null;
  let pair: { cert: Buffer; key: Buffer };

  beforeAll(async () => {
    // The receivers use a certificate from a test CA (the one the dev certificates make), which the sinks pin.
    const dir = path.join(
      await import('node:os').then((os) => os.tmpdir()),
      `strongroom-sinks-${process.pid}`,
    );
    const certs = await ensureDevCertificates(dir);
    const material = await loadTlsFiles(certs.certPath, certs.keyPath);
    pair = { cert: Buffer.from(material.cert), key: Buffer.from(material.key) };
    syslog = await startSyslogReceiver(pair);
    webhook = await startWebhookReceiver(pair, SECRET);
    flags = {
      auditSyslogUrl: `tls://localhost:${syslog.port}`,
      auditSyslogCaFile: certs.caCertPath,
      auditWebhookUrl: `https://localhost:${webhook.port}/audit`,
      auditWebhookSecret: SECRET,
      auditWebhookCaFile: certs.caCertPath,
      auditWebhookExclude: 'record.read:denied,audit.*',
      auditSinkBatchSize: '7',
      auditSinkRetryMaxSeconds: '1',
    };
    t = await createTestApp({ flags });
  });
  afterAll(async () => {
    await restarted?.app.close();
    await t?.close();
    await syslog?.close();
    await webhook?.close();
  });

  it('ships every committed event in order, through failures, and resumes after a restart', async () => {
    // Both receivers fail the first deliveries, then recover.
    syslog.failNextConnections(2);
    webhook.failNextRequests(2);
    for (let n = 1; n <= 40; n++) await t.services.audit.record(readEvent(n));
    await t.services.audit.record({ actor: null, action: 'audit.query', outcome: 'allowed' });
    const seqs = await storedSeqs(t);
    const head = seqs.at(-1) ?? 0;
    await vi.waitFor(
      () => {
        expect(lastSeq(firstDeliveries(syslog.items()))).toBe(head);
        expect(lastSeq(firstDeliveries(webhook.items()))).toBe(head);
      },
      { timeout: 30_000, interval: 50 },
    );
    const bySyslog = firstDeliveries(syslog.items());
    expect(bySyslog.map((i) => i.seq)).toEqual(seqs);
    expectLinked(bySyslog);
    // The webhook's filter left out denied reads and the audit.query: markers stand for them, the trail keeps them.
    const byWebhook = firstDeliveries(webhook.items());
    expectLinked(byWebhook);
    const shipped = byWebhook.filter((i) => i.skipped === undefined) as unknown as WireEvent[];
    expect(shipped.every((e) => !(e.action === 'record.read' && e.outcome === 'denied'))).toBe(true);
    expect(shipped.some((e) => e.action.startsWith('audit.'))).toBe(false);
    expect(byWebhook.filter((i) => i.skipped !== undefined).length).toBeGreaterThan(0);
    expect(webhook.badSignatures()).toBe(0);
    // Redelivery happened (the failed batches), and the receivers saw them again.
    expect(syslog.items().length).toBeGreaterThanOrEqual(bySyslog.length);

    // The cursors are in the database; a restart resumes after them.
    const cursors = await t.services.database.db
      .selectFrom('audit_sink_cursors' as never)
      .selectAll()
      .execute();
    expect(cursors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'syslog', seq: head }),
        expect.objectContaining({ name: 'webhook', seq: head }),
      ]),
    );
    // The receivers go down; events committed meanwhile wait; the receivers come back on the same ports.
    await Promise.all([syslog.close(), webhook.close()]);
    for (let n = 41; n <= 45; n++) await t.services.audit.record(readEvent(n));
    syslog = await startSyslogReceiver(pair, syslog.port, syslog.messages);
    webhook = await startWebhookReceiver(pair, SECRET, webhook.port, webhook.items());
    const midHead = head + 5;
    await vi.waitFor(
      () => {
        expect(lastSeq(firstDeliveries(syslog.items()))).toBe(midHead);
        expect(lastSeq(firstDeliveries(webhook.items()))).toBe(midHead);
      },
      { timeout: 30_000, interval: 50 },
    );
    const deliveredBefore = { syslog: syslog.items().length, webhook: webhook.items().length };
    await t.app.close();
    const certs = await ensureDevCertificates(path.join(t.dataDir, 'tls'));
    restarted = await buildApp(t.config, { tls: await loadTlsFiles(certs.certPath, certs.keyPath) });
    await restarted.app.ready();
    for (let n = 46; n <= 55; n++) await restarted.services.audit.record(readEvent(n));
    const newHead = midHead + 10;
    await vi.waitFor(
      () => {
        expect(lastSeq(firstDeliveries(syslog.items()))).toBe(newHead);
        expect(lastSeq(firstDeliveries(webhook.items()))).toBe(newHead);
      },
      { timeout: 30_000, interval: 50 },
    );
    // Nothing confirmed before the restart was sent again: the new deliveries start after the cursor.
    for (const [name, items] of [
      ['syslog', syslog.items().slice(deliveredBefore.syslog)],
      ['webhook', webhook.items().slice(deliveredBefore.webhook)],
    ] as const) {
      const firsts = items.map(
        (i) => (i.skipped as { from_seq: number } | undefined)?.from_seq ?? (i.seq as number),
      );
      expect(Math.min(...firsts), name).toBe(midHead + 1);
    }
    expectLinked(firstDeliveries(syslog.items()));
    expectLinked(firstDeliveries(webhook.items()));
  });

  it('refuses at start a filter that names nothing, a short webhook secret, or a URL that is not TLS', () => {
    const base = { dataDir: t.dataDir };
    const problems = [
      { ...base, auditWebhookUrl: 'https://localhost:1/x', auditWebhookSecret: 'short' },
      { ...base, auditSyslogUrl: 'tcp://localhost:514' },
      { ...base, auditWebhookUrl: 'http://localhost:1/x', auditWebhookSecret: SECRET },
      { ...base, auditSyslogUrl: 'tls://localhost:1', auditSyslogExclude: 'not a pattern' },
    ];
    for (const flagsOf of problems) {
      try {
        loadConfig(flagsOf, {});
        expect.unreachable(JSON.stringify(Object.keys(flagsOf)));
      } catch (error) {
        expect(isAppError(error) && error.code).toBe('CONFIG_INVALID_VALUE');
        expect(String((error as Error).message)).not.toContain('short');
      }
    }
  });
});
