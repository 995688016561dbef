/**
 * End-to-end: `strongroom operator init` creates a sealed keyring and prints its shares once; a server started with
 * `--keyring sealed` serves nothing until `strongroom operator unseal`, fed one share per run on stdin, has
 * submitted the threshold over verified TLS. Needs the compiled CLI (`npm run build`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatShare, parseShare } from '../../src/crypto/shamir-share.js';
import { ensureDevCertificates } from '../../src/tls/index.js';

const CLI = path.resolve('dist/src/cli/main.js');
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')),
);

function request(url: string, ca: Buffer, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      {
        method: payload === undefined ? 'GET' : 'POST',
        ca,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('strongroom operator', () => {
  let dir: string;
  let dataDir: string;
  let server: ChildProcess | null = null;
  let output = '';
  let shares: string[] = [];

  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-operator-'));
    dataDir = path.join(dir, 'data');
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const unseal = (url: string, input: string, extra: string[] = []) =>
    spawnSync('node', [CLI, 'operator', 'unseal', '--data-dir', dataDir, '--url', url, ...extra], {
      encoding: 'utf8',
      env,
      input,
    });

  it('init writes an owner-only keyring, prints the shares once, and never overwrites it', () => {
    const run = (args: string[]) =>
      spawnSync('node', [CLI, 'operator', 'init', '--data-dir', dataDir, ...args], { encoding: 'utf8', env });
    const first = run(['--shares', '5', '--threshold', '3']);
    expect(first.status).toBe(0);
    shares = [...first.stdout.matchAll(/^Share \d of 5: (\S+)$/gm)].map((m) => m[1] as string);
    expect(shares).toHaveLength(5);
    expect(first.stdout).toContain('shown this once');
    const file = path.join(dataDir, 'keyring.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    for (const share of shares) expect(text).not.toContain(share);

    const second = run(['--shares', '5', '--threshold', '3']);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('already exists');
    expect(second.stdout).not.toMatch(/srs1-/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);

    const bad = run(['--shares', '3', '--threshold', '4', '--keyring-file', path.join(dir, 'k2.json')]);
    expect(bad.status).toBe(1);
    expect(fs.existsSync(path.join(dir, 'k2.json'))).toBe(false);
  });

  it('serve starts sealed; unseal takes one share per run from stdin until the threshold', async () => {
    server = spawn(
      'node',
      [CLI, 'serve', '--data-dir', dataDir, '--keyring', 'sealed', '--port', '0', '--log-level', 'info'],
      { stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    server.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
      server?.stdout?.on('data', (chunk) => {
        output += chunk;
        const match = /listening on (https:\/\/\S+)/.exec(output);
        if (match?.[1] !== undefined && output.includes('Sealed:')) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    expect(output).toContain('Sealed: 3 of 5');
    expect(output).toContain('started sealed');
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(false);
    const ca = fs.readFileSync(path.join(dataDir, 'tls/ca.pem'));
    expect(JSON.parse((await request(`${url}/healthz`, ca)).body)).toEqual({ status: 'ok', sealed: true });
    const password = fs.readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
    const credentials = { username: 'admin', password };
    expect((await request(`${url}/v1/auth/login`, ca, credentials)).status).toBe(503);

    const first = unseal(url, `${shares[0]}\n`);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('1 of 3');
    // The same share again is said to be a duplicate, and counts once.
    const again = unseal(url, `${shares[0]}\n`);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already submitted');
    expect(again.stdout).toContain('1 of 3');

    // A CA that did not issue the server's certificate: the error names the CA used and how to pass one.
    const otherCa = (await ensureDevCertificates(path.join(dir, 'other-tls'))).caCertPath;
    const wrongCa = unseal(url, `${shares[3]}\n`, ['--ca', otherCa]);
    expect(wrongCa.status).toBe(1);
    expect(wrongCa.stderr).toContain(`the CA in ${otherCa}`);
    expect(wrongCa.stderr).toContain('--ca FILE');
    const noCa = spawnSync(
      'node',
      [CLI, 'operator', 'unseal', '--data-dir', path.join(dir, 'nowhere'), '--url', url],
      {
        encoding: 'utf8',
        env,
        input: `${shares[3]}\n`,
      },
    );
    expect(noCa.status).toBe(1);
    expect(noCa.stderr).toContain("the system's trusted CAs");
    const missingCa = unseal(url, `${shares[3]}\n`, ['--ca', path.join(dir, 'missing.pem')]);
    expect(missingCa.stderr).toContain('cannot read the CA certificate');

    // A forged share (right shape and check value, wrong bytes) fails at the threshold and resets progress.
    const real = parseShare(shares[1] as string);
    const y = new Uint8Array(real.share);
    y[0] = (y[0] ?? 0) ^ 1;
    const forged = formatShare({ ...real, share: y });
    expect(unseal(url, `${shares[3]}\n`).stdout).toContain('2 of 3');
    const failed = unseal(url, `${forged}\n`);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('UNSEAL_FAILED');
    expect(failed.stdout + failed.stderr).not.toContain(forged);

    expect(unseal(url, 'not over plain http\n', ['--url', url.replace('https:', 'http:')]).status).toBe(1);
    expect(unseal(url, '').status).toBe(1);

    for (const [i, expected] of [
      [2, '1 of 3'],
      [4, '2 of 3'],
      [0, 'Unsealed'],
    ] as const) {
      const run = unseal(url, `${shares[i]}\n`);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(expected);
      expect(run.stdout + run.stderr).not.toContain(shares[i]);
    }
    expect((await request(`${url}/v1/auth/login`, ca, credentials)).status).toBe(200);
    expect((await request(`${url}/readyz`, ca)).status).toBe(200);
    expect(unseal(url, `${shares[1]}\n`).stderr).toContain('ALREADY_UNSEALED');

    for (const share of [...shares, forged]) expect(output).not.toContain(share);
    const exited = new Promise<number | null>((resolve) => server?.on('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = null;
  });
});
