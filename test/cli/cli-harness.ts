/**
 * The built `strongroom` binary against a real server it started itself (`serve`, on SQLite or on a PostgreSQL
 * schema of its own), with a private config directory for the session file. Every command's stdout and stderr are
 * kept, so a test can scan all of them for secrets (canaries) at the end.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const CLI = path.resolve('dist/src/cli/main.js');
const DATABASE_URL = process.env.STRONGROOM_DATABASE_URL ?? null;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliServer {
  url: string;
  dir: string;
  dataDir: string;
  configDir: string;
  caFile: string;
  adminPassword: string;
  startupOutput(): string;
  /** Runs `strongroom ...args` with `input` on stdin (a pipe, not a terminal). */
  run(args: string[], options?: { input?: string; env?: Record<string, string> }): CliResult;
  /** Everything every command printed so far, and the server's own output. */
  allOutput(): string;
  sessionFile(): string;
  close(): Promise<void>;
}

// The CLI and server run on their defaults, whatever STRONGROOM_* variables the test run has.
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('STRONGROOM_') && entry[1] !== undefined,
    ),
  );
}

export interface CliServerOptions {
  postgres?: boolean;
  /** More `serve` flags (e.g. `--mode production --tls-cert …`). */
  serverArgs?: string[];
  /** More environment for the server (e.g. STRONGROOM_MASTER_KEY_FILE). */
  serverEnv?: Record<string, string>;
  /** The CA of the server's certificate, when it is not the generated one in the data directory. */
  caFile?: string;
}

export async function startCliServer(options: CliServerOptions = {}): Promise<CliServer> {
  if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-admin-cli-'));
  const dataDir = path.join(dir, 'data');
  const configHome = path.join(dir, 'config');
  const schema = options.postgres === true ? `cli_${randomBytes(6).toString('hex')}` : null;
  if (schema !== null && DATABASE_URL === null) throw new Error('STRONGROOM_DATABASE_URL is not set');
  const serverEnv = {
    ...cleanEnv(),
    ...(schema === null
      ? {}
      : { STRONGROOM_DATABASE_URL: DATABASE_URL as string, STRONGROOM_DATABASE_SCHEMA: schema }),
    // Rotation jobs retire old versions after this wait; a test need not sit through the 30 s default.
    STRONGROOM_KEY_JOB_SETTLE_MS: '0',
    ...options.serverEnv,
  };
  const server: ChildProcess = spawn(
    'node',
    [CLI, 'serve', '--data-dir', dataDir, '--port', '0', ...(options.serverArgs ?? [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: serverEnv,
    },
  );
  let serverOutput = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${serverOutput}`)), 60_000);
    const onData = (chunk: Buffer) => {
      serverOutput += chunk;
      const match = /listening on (https:\/\/\S+)/.exec(serverOutput);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.on('exit', () => reject(new Error(`server exited: ${serverOutput}`)));
  });
  const outputs: string[] = [];
  const configDir = path.join(configHome, 'strongroom');
  return {
    url,
    dir,
    dataDir,
    configDir,
    caFile: options.caFile ?? path.join(dataDir, 'tls', 'ca.pem'),
    adminPassword: fs.readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim(),
    startupOutput: () => serverOutput,
    run(args, runOptions = {}) {
      const result = spawnSync('node', [CLI, ...args], {
        encoding: 'utf8',
        input: runOptions.input ?? '',
        env: { ...cleanEnv(), XDG_CONFIG_HOME: configHome, HOME: dir, ...runOptions.env },
        timeout: 120_000,
      });
      outputs.push(result.stdout, result.stderr);
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    allOutput: () => [...outputs, serverOutput].join('\n'),
    sessionFile: () => path.join(configDir, 'session.json'),
    async close() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      if (schema !== null) {
        const client = new pg.Client({ connectionString: DATABASE_URL as string });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The refresh token in the session file (to check it rotates and never shows up in output). */
export function storedRefreshToken(server: CliServer): string {
  return (JSON.parse(fs.readFileSync(server.sessionFile(), 'utf8')) as { refresh_token: string })
    .refresh_token;
}

/** Logs in as the initial admin (password on stdin). */
export function loginAsAdmin(server: CliServer): CliResult {
  return server.run(['login', '--url', server.url, '--ca', server.caFile, '--username', 'admin'], {
    input: `${server.adminPassword}\n`,
  });
}

/** `--json` output parsed. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  if (result.status !== 0) throw new Error(`command failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
