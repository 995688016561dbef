/**
 * End-to-end, with the compiled `strongroom serve`: on PostgreSQL it waits for the database at start instead of
 * exiting. A closed port and a TCP listener that never answers make it retry (logged, with the target redacted)
 * and then exit non-zero with a clear error once STRONGROOM_DATABASE_START_TIMEOUT_MS is spent, well within the
 * budget plus one connect timeout; a database that appears late (a TCP proxy to the real one, started after a
 * delay) is waited for and served. The password in the URL never reaches the output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/src/cli/main.js');
// Read here, not through test/helpers/test-app.ts: this test needs the binary only, not the app's sources.
const TEST_DATABASE_URL = process.env.STRONGROOM_DATABASE_URL ?? null;
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')),
);

let dir: string;
const servers: net.Server[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-wait-db-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const server of servers) server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listen(server: net.Server, port = 0): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  /** From the first logged retry to the exit (the process's own start-up time left out). */
  secondsAfterFirstRetry: number;
}

/** Runs `serve` against `port` until it exits, or until it prints that it listens (then stops it). */
function serve(port: number, env: Record<string, string>, onRetry?: () => void): Promise<Run> {
  let firstRetry: number | null = null;
  const dataDir = path.join(dir, randomBytes(4).toString('hex'));
  const child = spawn('node', [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...baseEnv,
      STRONGROOM_DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/test?sslmode=disable`,
      ...env,
    },
  });
  children.push(child);
  let output = '';
  let stopping = false;
  const collect = (chunk: Buffer) => {
    output += String(chunk);
    if (firstRetry === null && output.includes('database not reachable yet')) {
      firstRetry = performance.now();
      onRetry?.();
    }
    // `Mode:` is printed after the signal handlers are installed (src/cli/serve.ts), so this SIGTERM is handled.
    if (!stopping && /Strongroom listening on[\s\S]*Mode: /.test(output)) {
      stopping = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) =>
      resolve({
        code,
        signal,
        output,
        secondsAfterFirstRetry: (performance.now() - (firstRetry ?? 0)) / 1000,
      }),
    ),
  );
}

function retries(output: string): Array<{ target: string; attempt: number; retryInMs: number }> {
  return output
    .split('\n')
    .filter((line) => line.includes('database not reachable yet'))
    .map((line) => JSON.parse(line));
}

describe('strongroom serve waits for the database', () => {
  it('retries a closed port with backoff, then exits non-zero naming the setting', async () => {
    const port = await freePort();
    const run = await serve(port, { STRONGROOM_DATABASE_START_TIMEOUT_MS: '3000' });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('did not answer within 3000 ms (STRONGROOM_DATABASE_START_TIMEOUT_MS');
    expect(run.output).toContain('ECONNREFUSED');
    const attempts = retries(run.output);
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts[0]?.target).toBe(`127.0.0.1:${port}/test`);
    // Capped exponential backoff: each wait within [half, all] of 250 ms · 2^(n-1).
    attempts.forEach((a, i) => {
      const ceiling = Math.min(5000, 250 * 2 ** i);
      expect(a.retryInMs).toBeGreaterThanOrEqual(ceiling / 2);
      expect(a.retryInMs).toBeLessThanOrEqual(ceiling);
    });
    expect(run.secondsAfterFirstRetry).toBeLessThan(3 + 1);
    expect(run.output).not.toContain(PASSWORD);
  });

  it('gives up on a listener that never answers within the budget plus one connect timeout', async () => {
    const held: net.Socket[] = [];
    const port = await listen(net.createServer((socket) => void held.push(socket)));
    const run = await serve(port, {
      STRONGROOM_DATABASE_START_TIMEOUT_MS: '2000',
      STRONGROOM_DATABASE_CONNECT_TIMEOUT_MS: '500',
    });
    for (const socket of held) socket.destroy();
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('did not answer within 2000 ms');
    expect(retries(run.output).length).toBeGreaterThanOrEqual(2);
    expect(run.secondsAfterFirstRetry).toBeLessThan(2 + 0.5 + 1);
    expect(run.output).not.toContain(PASSWORD);
  });

  it.skipIf(TEST_DATABASE_URL === null)('serves once a database that appears late answers', async () => {
    const port = await freePort();
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const target = new URL(TEST_DATABASE_URL ?? '');
    // The database "appears" a second after the first refused attempt: a proxy to the real one opens on the port.
    const proxy = net.createServer((socket) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    let opened: Promise<number> | null = null;
    const openLater = () => {
      opened = new Promise((resolve) => setTimeout(() => resolve(listen(proxy, port)), 1000));
    };
    try {
      const run = await serve(
        port,
        { STRONGROOM_DATABASE_START_TIMEOUT_MS: '30000', STRONGROOM_DATABASE_SCHEMA: schema },
        openLater,
      );
      expect(await opened).toBe(port);
      expect(run.output).toContain('Strongroom listening on');
      expect(run.output).toContain('database reachable');
      expect(retries(run.output).length).toBeGreaterThanOrEqual(1);
      // Served, then stopped by our SIGTERM: exit 0 from its handler, never ended by the signal itself.
      expect(run).toMatchObject({ code: 0, signal: null });
      expect(run.output).not.toContain(PASSWORD);
    } finally {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL ?? '' });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});
