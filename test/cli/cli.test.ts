/**
 * End-to-end: the compiled `strongroom` command (built by `npm test`'s pretest step), as a user runs it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/src/cli/main.js');
const built = fs.existsSync(CLI);
// The CLI must run on its embedded defaults, whatever STRONGROOM_* variables the test run itself has (CI sets some).
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')),
);

function request(
  url: string,
  ca: Buffer,
  options: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = https.request(
      url,
      {
        method: options.method ?? 'GET',
        ca,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('strongroom CLI', () => {
  let dir: string;
  let server: ChildProcess | null = null;
  let stdout = '';

  beforeAll(() => {
    if (!built) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-cli-'));
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('init creates everything owner-only and is idempotent', () => {
    const dataDir = path.join(dir, 'data');
    const first = spawnSync('node', [CLI, 'init', '--data-dir', dataDir], { encoding: 'utf8', env });
    expect(first.status).toBe(0);
    const passwordFile = path.join(dataDir, 'initial-admin-password');
    expect(first.stdout).toContain(passwordFile);
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(first.stdout + first.stderr).not.toContain(password);
    for (const file of [
      'initial-admin-password',
      'master.key',
      'strongroom.db',
      'tls/ca-key.pem',
      'tls/server-key.pem',
    ]) {
      expect(fs.statSync(path.join(dataDir, file)).mode & 0o077, file).toBe(0);
    }
    expect(fs.existsSync(path.join(dataDir, 'tls/ca.pem'))).toBe(true);
    const second = spawnSync('node', [CLI, 'init', '--data-dir', dataDir], { encoding: 'utf8', env });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('no initial admin created');
    expect(fs.readFileSync(passwordFile, 'utf8').trim()).toBe(password);
  });

  it('refuses bad configuration with a message naming the setting', () => {
    const result = spawnSync('node', [CLI, 'serve', '--data-dir', path.join(dir, 'x'), '--port', 'abc'], {
      encoding: 'utf8',
      env,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('port');
  });

  it('serves HTTPS with the local CA, logs in with the initial password and deletes its file on change', async () => {
    const dataDir = path.join(dir, 'data');
    server = spawn('node', [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 20_000);
      server?.stdout?.on('data', (chunk) => {
        stdout += chunk;
        const match = /listening on (https:\/\/\S+)/.exec(stdout);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    expect(stdout).toContain('using the development master key file');
    const ca = fs.readFileSync(path.join(dataDir, 'tls/ca.pem'));
    const health = await request(`${url}/healthz`, ca);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toContain('max-age=');
    expect((await request(`${url}/readyz`, ca)).status).toBe(200);

    const passwordFile = path.join(dataDir, 'initial-admin-password');
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    const login = await request(`${url}/v1/auth/login`, ca, {
      method: 'POST',
      body: { username: 'admin', password },
    });
    expect(login.status).toBe(200);
    const token = JSON.parse(login.body).access_token as string;
    const change = await request(`${url}/v1/me/password`, ca, {
      method: 'PUT',
      token,
      body: { current_password: password, new_password: 'velvet otters juggle quietly at dawn' },
    });
    expect(change.status).toBe(204);
    expect(fs.existsSync(passwordFile)).toBe(false);
    expect(stdout).not.toContain(password);

    const exited = new Promise<number | null>((resolve) => server?.on('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = null;
  });
});
