/**
 * End-to-end: `strongroom serve --mode production` refuses a development set-up with one line and exit code 1,
 * writing nothing, and starts with a key, certificate and log level of the operator's own. Needs `npm run build`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevCertificates } from '../../src/tls/index.js';

const CLI = path.resolve('dist/src/cli/main.js');
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')),
);

describe('strongroom serve --mode production', () => {
  let dir: string;
  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-production-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the embedded development defaults in one line, and writes nothing', () => {
    const dataDir = path.join(dir, 'fresh');
    const result = spawnSync(
      'node',
      [CLI, 'serve', '--mode', 'production', '--data-dir', dataDir, '--port', '0'],
      {
        env,
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PRODUCTION_DEVELOPMENT_ROOT_KEY');
    expect(lines[0]).toContain('PRODUCTION_DEVELOPMENT_CERTIFICATE');
    expect(fs.existsSync(dataDir)).toBe(false);
    // The same from the environment, with debug logging on top.
    const fromEnv = spawnSync('node', [CLI, 'serve', '--data-dir', dataDir, '--port', '0'], {
      env: { ...env, STRONGROOM_MODE: 'production', STRONGROOM_LOG_LEVEL: 'debug' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(fromEnv.status).toBe(1);
    expect(fromEnv.stderr).toContain('PRODUCTION_DEBUG_LOGGING');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('starts with a key, a certificate and a log level of its own', async () => {
    const dataDir = path.join(dir, 'own');
    const certs = await ensureDevCertificates(path.join(dir, 'own-tls'), { caName: 'Example operator CA' });
    const keyFile = path.join(dir, 'root.key');
    fs.writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const tls = ['--tls-cert', certs.certPath, '--tls-key', certs.keyPath];
    const ownArgs = [CLI, 'serve', '--mode', 'production', '--data-dir', dataDir, '--port', '0', ...tls];
    const child = spawn('node', ownArgs, {
      env: { ...env, STRONGROOM_MASTER_KEY_FILE: keyFile, STRONGROOM_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 30_000);
        child.stdout.on('data', () => {
          if (output.includes('Mode: production')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      expect(output).toContain('Strongroom listening on https://');
      // A fresh database gets its initial admin, and the operator is told the next start refuses until it is changed.
      expect(output).toContain('production mode refuses to start again');
    } finally {
      child.kill('SIGKILL');
    }
    const again = spawnSync('node', ownArgs, {
      env: { ...env, STRONGROOM_MASTER_KEY_FILE: keyFile },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(again.status).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('PRODUCTION_INITIAL_PASSWORD_FILE');
    // The way out, since this server will not start: change it from a development-mode start.
    expect(again.stderr).toContain('start once in development mode');
    expect(again.stderr).toContain('strongroom passwd');
  });
});
