/**
 * End-to-end: `strongroom check logs` and `strongroom check openapi` through the compiled binary (built by
 * `npm test`'s pretest step): exit codes per --fail-on (0 clean, 1 findings at or above it, 2 could not check),
 * stdin, --redact, and output formats.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/src/cli/main.js');
const fixture = (...parts: string[]) => path.resolve(import.meta.dirname, '../fixtures', ...parts);
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')),
);

function strongroom(args: string[], input?: string) {
  const child = spawnSync(process.execPath, [CLI, 'check', ...args], {
    env,
    encoding: 'utf8',
    input: input ?? '',
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('strongroom check (built CLI)', () => {
  let dir: string;
  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-check-cli-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('check logs: exit 1 on the failing corpus, 0 on the near-misses', () => {
    expect(strongroom(['logs', fixture('check-logs/secrets.log')]).status).toBe(1);
    const clean = strongroom(['logs', fixture('check-logs/near-misses.log'), '--fail-on', 'low']);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/^logs: 0 findings/);
  });

  it('check logs: --fail-on decides whether a low finding fails', () => {
    const email = path.join(dir, 'email.log');
    fs.writeFileSync(email, 'INFO invite sent to someone@example.com\n');
    expect(strongroom(['logs', email]).status).toBe(0);
    expect(strongroom(['logs', email, '--fail-on', 'medium']).status).toBe(0);
    expect(strongroom(['logs', email, '--fail-on', 'low']).status).toBe(1);
  });

  it('check logs: reads stdin, writes JSON and a redacted copy, never the value', () => {
    const out = path.join(dir, 'copy.log');
    const secret = 'AKIAVNAM7AXDL5YR5PBP';
    const run = strongroom(['logs', '-', '--format', 'json', '--redact', out], `key ${secret} used\n`);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: 'logs/aws-access-key',
        location: { file: '<stdin>', line: 1, column: 5 },
      }),
    ]);
    expect(run.stdout).not.toContain(secret);
    expect(fs.readFileSync(out, 'utf8')).toBe('key [REDACTED] used\n');
  });

  it('check openapi: exit codes per --fail-on on the failing and passing fixtures, SARIF output', () => {
    expect(strongroom(['openapi', fixture('check-openapi/bad.yaml')]).status).toBe(1);
    expect(strongroom(['openapi', fixture('check-openapi/good.yaml'), '--fail-on', 'low']).status).toBe(0);
    const sarif = strongroom(['openapi', fixture('check-openapi/bad.yaml'), '--format', 'sarif']);
    expect(JSON.parse(sarif.stdout).version).toBe('2.1.0');
  });

  it('exits 2 when the check cannot run, naming the input', () => {
    const missing = strongroom(['logs', path.join(dir, 'none.log')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read log .*none\.log/);
    expect(strongroom(['openapi', 'http://example.com/openapi.json']).status).toBe(2);
    expect(strongroom(['logs', '--fail-on', 'critical']).status).toBe(2);
    expect(strongroom(['openapi', fixture('check-openapi/bad.yaml'), '--format', 'xml']).status).toBe(2);
  });
});
