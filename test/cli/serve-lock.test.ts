/**
 * One `strongroom serve` per SQLite data directory (src/cli/serve-lock.ts): a second server on the same directory
 * is refused before it initialises anything (new-user finding: it honoured another's logout only after its cache
 * aged out), and a lock left by a killed server is taken over. Needs `npm run build`.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type CliServer, loginAsAdmin, startCliServer } from './cli-harness.js';

const env = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')),
  ) as Record<string, string>;

describe('serve lock on a SQLite data directory', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCliServer();
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a second server on the same data directory, naming the lock, and leaves the first one serving', () => {
    const second = spawnSync('node', [CLI, 'serve', '--data-dir', server.dataDir, '--port', '0'], {
      encoding: 'utf8',
      env: env(),
      timeout: 60_000,
    });
    expect(second.status).not.toBe(0);
    expect(second.stderr).toContain('configuration error');
    expect(second.stderr).toContain('already serves');
    expect(second.stderr).toContain(path.join(server.dataDir, 'serve.lock'));
    expect(second.stderr).toContain(`process `);
    expect(fs.existsSync(path.join(server.dataDir, 'serve.lock'))).toBe(true);
    expect(loginAsAdmin(server).status).toBe(0);
  });

  it('takes over the lock of a server that is gone (killed without a chance to remove it)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-serve-lock-'));
    try {
      const dataDir = path.join(dir, 'data');
      fs.mkdirSync(dataDir, { mode: 0o700 });
      const gone = spawnSync('node', ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      });
      fs.writeFileSync(
        path.join(dataDir, 'serve.lock'),
        JSON.stringify({ pid: Number(gone.stdout), host: os.hostname() }),
        {
          mode: 0o600,
        },
      );
      const child = spawn('node', [CLI, 'serve', '--data-dir', dataDir, '--port', '0'], { env: env() });
      let output = '';
      const listening = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 60_000);
        const onData = (chunk: Buffer) => {
          output += chunk;
          if (output.includes('listening on')) {
            clearTimeout(timer);
            resolve(true);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => resolve(false));
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      expect(listening, output).toBe(true);
      // A clean exit removes the lock.
      expect(fs.existsSync(path.join(dataDir, 'serve.lock'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
