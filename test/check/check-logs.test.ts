/**
 * `checkLogs` on the corpus (test/fixtures/check-logs): every secret found under its kind at its line, nothing in
 * the near-misses, no value in any report format, and a redacted copy that hides every secret and keeps the rest.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLogs, formatReport, isCheckInputError } from '../../src/check/index.js';
import { CORPUS_DIR, EXPECTED, secretValues } from './corpus.js';

const corpus = (name: string) => path.join(CORPUS_DIR, name);
const empty = () => Readable.from([]);

describe('check logs on the corpus', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-check-logs-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds every secret of the failing fixtures, once, under its kind and at its line', async () => {
    const report = await checkLogs({
      files: [corpus('secrets.log'), corpus('secrets.jsonl')],
      stdin: empty(),
    });
    const found = report.findings.map((f) => ({
      file: path.basename(f.location.file),
      line: f.location.line,
      rule: f.ruleId,
    }));
    expect(found).toEqual(EXPECTED.map(({ file, line, rule }) => ({ file, line, rule })));
    expect(report.totals.high + report.totals.medium + report.totals.low).toBe(EXPECTED.length);
  });

  it('reports nothing on the passing fixture (near-misses: Luhn failures, UUIDs, hashes, hex, placeholders)', async () => {
    const report = await checkLogs({ files: [corpus('near-misses.log')], stdin: empty() });
    expect(report.findings).toEqual([]);
    expect(report.scanned.lines).toBeGreaterThan(30);
  });

  it('never puts a value in a table, JSON or SARIF report', async () => {
    const report = await checkLogs({
      files: [corpus('secrets.log'), corpus('secrets.jsonl')],
      stdin: empty(),
    });
    const fragments = secretValues();
    expect(fragments.length).toBeGreaterThan(EXPECTED.length);
    for (const format of ['table', 'json', 'sarif'] as const) {
      const text = formatReport(report, format, '0.0.0');
      for (const fragment of fragments) expect(text).not.toContain(fragment);
    }
  });

  it('writes a redacted copy that hides every secret and keeps every other line as it was', async () => {
    const out = path.join(dir, 'secrets.redacted.log');
    await checkLogs({ files: [corpus('secrets.log')], stdin: empty(), redact: out });
    const copy = fs.readFileSync(out, 'utf8');
    for (const fragment of secretValues()) expect(copy).not.toContain(fragment);
    const original = fs.readFileSync(corpus('secrets.log'), 'utf8').split('\n');
    const redacted = copy.split('\n');
    expect(redacted).toHaveLength(original.length);
    // Each line keeps its text around the secret: the prefix before the first [REDACTED] is unchanged.
    for (const [i, line] of redacted.entries()) {
      const head = line.split('[REDACTED]')[0] ?? '';
      expect(original[i]?.startsWith(head)).toBe(true);
    }
    expect((fs.statSync(out).mode & 0o777).toString(8)).toBe('600');
    // The near-miss log is copied byte for byte.
    const nearOut = path.join(dir, 'near.log');
    await checkLogs({ files: [corpus('near-misses.log')], stdin: empty(), redact: nearOut });
    expect(fs.readFileSync(nearOut)).toEqual(fs.readFileSync(corpus('near-misses.log')));
  });

  it('reads gzip by its magic bytes (whatever the name) and standard input', async () => {
    const gz = path.join(dir, 'rotated.1');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(corpus('secrets.jsonl'))));
    const fromFile = await checkLogs({ files: [gz], stdin: empty() });
    const fromStdin = await checkLogs({ files: [], stdin: Readable.from([fs.readFileSync(gz)]) });
    const lines = (r: typeof fromFile) => r.findings.map((f) => [f.location.line, f.ruleId]);
    const expected = EXPECTED.filter((e) => e.file === 'secrets.jsonl').map((e) => [e.line, e.rule]);
    expect(lines(fromFile)).toEqual(expected);
    expect(lines(fromStdin)).toEqual(expected);
    expect(fromStdin.findings[0]?.location.file).toBe('<stdin>');
  });

  it('hides every line of a multi-line PEM key in the copy, a gzipped copy included', async () => {
    const out = path.join(dir, 'copy.log.gz');
    const report = await checkLogs({ files: [corpus('secrets.log')], stdin: empty(), redact: out });
    const copy = (await import('node:zlib')).gunzipSync(fs.readFileSync(out)).toString('utf8');
    expect(copy).not.toMatch(/^[A-Za-z0-9+/]{64}$/m);
    expect(report.findings.filter((f) => f.ruleId === 'logs/private-key')).toHaveLength(2);
  });

  it('counts every finding past --max-findings but lists only that many', async () => {
    const report = await checkLogs({ files: [corpus('secrets.log')], stdin: empty(), findingLimit: 5 });
    expect(report.findings).toHaveLength(5);
    expect(report.omitted).toBe(EXPECTED.filter((e) => e.file === 'secrets.log').length - 5);
  });

  it('refuses unreadable logs, corrupt gzip and a copy over its own input, naming the file only', async () => {
    const missing = await checkLogs({ files: [path.join(dir, 'nope.log')], stdin: empty() }).catch((e) => e);
    expect(isCheckInputError(missing)).toBe(true);
    expect(missing.message).toMatch(/cannot read log .*nope\.log \(ENOENT\)/);
    const corrupt = path.join(dir, 'corrupt.gz');
    fs.writeFileSync(corrupt, Buffer.concat([gzipSync('password=hunter2-Correct\n').subarray(0, 12)]));
    const bad = await checkLogs({ files: [corrupt], stdin: empty() }).catch((e) => e);
    expect(isCheckInputError(bad)).toBe(true);
    expect(bad.message).not.toContain('hunter2');
    const self = await checkLogs({
      files: [corpus('secrets.log')],
      stdin: empty(),
      redact: corpus('secrets.log'),
    }).catch((e) => e);
    expect(isCheckInputError(self)).toBe(true);
    expect(fs.readFileSync(corpus('secrets.log'), 'utf8')).toContain('BEGIN PRIVATE KEY');
  });
});
