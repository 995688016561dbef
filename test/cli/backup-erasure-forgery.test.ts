/**
 * Regression for a forged erasure log (red-team finding): the audit chain is unkeyed, so whoever can write the
 * log file can rewrite it (an erasure's outcome flipped to `denied`, a `collection.drop` inserted, the log cut
 * short) and recompute every later hash. `backup restore --erasures LOG` must therefore be told the live trail's
 * head (`--expect-head SEQ:HASH`, printed by `audit verify`) and refuse every log that does not end exactly there,
 * writing nothing; the genuine log with that head replays the erasure (the erased subject answers 410).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  type ChainedEvent,
  chainEvent,
  fromWireEvent,
  toWireEvent,
  type WireEvent,
} from '../../src/audit/index.js';
import {
  type BackupFixture,
  backUp,
  call,
  cli,
  eraseSubject,
  expectErasedAndKept,
  exportTrail,
  serveRestored,
  startBackupFixture,
} from './backup-harness.js';
import { type CliServer, loginAsAdmin, startCliServer } from './cli-harness.js';

function bodyOf(event: ChainedEvent): AuditEvent {
  const { prevHash: _prevHash, hash: _hash, ...body } = event;
  return body;
}

/** Rewrites the exported log as a forger would: `edit` the events, then renumber and rehash every one. */
function forge(lines: string[], edit: (events: AuditEvent[]) => AuditEvent[]): string {
  const events = lines.map((line) => fromWireEvent(JSON.parse(line) as WireEvent));
  const first = events[0] as ChainedEvent;
  let prev = first.prevHash;
  const forged = edit(events.map(bodyOf)).map((body, i) => {
    const chained = chainEvent(prev, { ...body, seq: first.seq + i });
    prev = chained.hash;
    return JSON.stringify(toWireEvent(chained));
  });
  return `${forged.join('\n')}\n`;
}

describe('backup restore refuses an erasure log that does not end at the live head', () => {
  let f: BackupFixture;
  let other: CliServer | undefined;
  let lines: string[] = [];
  let head = '';
  const restore = (log: string, target: string, extra: string[]) =>
    cli([
      'backup',
      'restore',
      f.backupFile,
      '--key-file',
      f.keyFile,
      '--data-dir',
      target,
      '--erasures',
      log,
      ...extra,
    ]);

  beforeAll(async () => {
    f = await startBackupFixture();
    backUp(f);
    await eraseSubject(f);
    // An event after the erasure, so that the last line is not the erasure itself.
    const read = await call(
      f.server.url,
      f.server.caFile,
      f.apiKey,
      'GET',
      `/v1/collections/people/records/${f.keptId}`,
    );
    expect(read.status).toBe(200);
    const genuine = exportTrail(f, 'genuine.jsonl');
    lines = genuine.text.trim().split('\n');
    head = genuine.head;
    expect(Number(head.split(':')[0])).toBe(JSON.parse(lines.at(-1) as string).seq);
  }, 180_000);
  afterAll(async () => {
    await other?.close();
    await f?.server?.close();
  });

  it('refuses --erasures without a well-formed --expect-head (USAGE, naming the flag), writing nothing', () => {
    const target = f.at('restored-usage');
    for (const extra of [[], ['--expect-head', 'not-a-head']]) {
      const refused = restore(f.at('genuine.jsonl'), target, extra);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('USAGE');
      expect(refused.stderr).toContain('--expect-head');
    }
    const replay = cli([
      'backup',
      'replay-erasures',
      '--data-dir',
      target,
      '--erasures',
      f.at('genuine.jsonl'),
    ]);
    expect([replay.status, replay.stderr]).toEqual([2, expect.stringContaining('--expect-head')]);
    expect(fs.existsSync(target)).toBe(false);
  });

  it.each([
    [
      'the erasure flipped to denied, rehashed',
      () =>
        forge(lines, (events) =>
          events.map((e) => (e.action === 'subject.erase' ? { ...e, outcome: 'denied' as const } : e)),
        ),
    ],
    [
      'a collection drop inserted after the erasure, renumbered and rehashed',
      () =>
        forge(lines, (events) => {
          const at = events.findIndex((e) => e.action === 'subject.erase');
          const { subject: _subject, ...erase } = events[at] as AuditEvent;
          const drop = { ...erase, action: 'collection.drop', resource: { collection: 'people' } };
          return [...events.slice(0, at + 1), drop, ...events.slice(at + 1)];
        }),
    ],
    [
      'the last event replaced by a collection drop, rehashed (same seq)',
      () =>
        forge(lines, (events) => [
          ...events.slice(0, -1),
          { ...(events.at(-1) as AuditEvent), action: 'collection.drop', resource: { collection: 'people' } },
        ]),
    ],
    ['the log cut short at its end', () => `${lines.slice(0, -1).join('\n')}\n`],
    [
      'the log cut before the erasure',
      () =>
        `${lines
          .slice(
            0,
            lines.findIndex((l) => JSON.parse(l).action === 'subject.erase'),
          )
          .join('\n')}\n`,
    ],
    [
      'the log of another deployment',
      async () => {
        other = await startCliServer();
        expect(loginAsAdmin(other).status).toBe(0);
        const exported = cli([
          'audit',
          'export',
          '--data-dir',
          other.dataDir,
          '--since',
          '2000-01-01T00:00:00Z',
        ]);
        expect(exported.status, exported.stderr).toBe(0);
        return exported.stdout;
      },
    ],
  ])(
    'refuses %s, writing nothing',
    async (name, make) => {
      const log = f.at(`${name.replaceAll(/\W+/g, '-')}.jsonl`);
      fs.writeFileSync(log, await make());
      const target = f.at(`restored-${name.replaceAll(/\W+/g, '-')}`);
      const refused = restore(log, target, ['--expect-head', head]);
      expect([refused.status, refused.stderr]).toEqual([
        9,
        expect.stringContaining('BACKUP_ERASURE_LOG_INVALID'),
      ]);
      expect(fs.existsSync(target)).toBe(false);
      expect(fs.readdirSync(path.dirname(target)).filter((n) => n.includes('.restore-'))).toEqual([]);
    },
    120_000,
  );

  it('replays the genuine log ending at the live head: the erased subject answers 410 after restore', async () => {
    const target = f.at('restored-genuine');
    const restored = restore(f.at('genuine.jsonl'), target, ['--expect-head', head]);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('replayed 1 subject erasures');
    await serveRestored(f, target, (node) => expectErasedAndKept(f, node));
  }, 180_000);
});
