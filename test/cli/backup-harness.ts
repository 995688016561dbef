/**
 * What the backup tests share: the built CLI run without any STRONGROOM_* variable of the test run, HTTPS calls
 * with an API key, a second server on a restored data directory, and a server with two subjects' records, an
 * admin API key and a backup key.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { expect } from 'vitest';
import { CLI, type CliResult, type CliServer, json, loginAsAdmin, startCliServer } from './cli-harness.js';

export const ERASED_NAME = 'Erased Canary Person';
export const KEPT_NAME = 'Kept Canary Person';

export function plainEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('STRONGROOM_') && entry[1] !== undefined,
    ),
  );
}

export function cli(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    env: { ...plainEnv(), ...env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function call(
  url: string,
  ca: string,
  key: string,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      new URL(pathname, url),
      {
        method,
        ca: fs.readFileSync(ca),
        headers: {
          'x-api-key': key,
          'x-access-purpose': 'support',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: text === '' ? {} : JSON.parse(text) }),
        );
      },
    );
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export async function serve(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn('node', [CLI, 'serve', '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...plainEnv(), ...env },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (https:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', () => reject(new Error(`server exited: ${output}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface BackupFixture {
  server: CliServer;
  apiKey: string;
  keyFile: string;
  backupFile: string;
  erasedId: string;
  keptId: string;
  at(name: string): string;
}

/** A server with a `people` collection holding one record of each of two subjects, an API key and a backup key. */
export async function startBackupFixture(options: { postgres?: boolean } = {}): Promise<BackupFixture> {
  const server = await startCliServer(options);
  expect(loginAsAdmin(server).status).toBe(0);
  expect(server.run(['collections', 'create', 'people', '--field', 'name:text:sensitive']).status).toBe(0);
  const put = (subject: string, name: string) =>
    String(
      json(
        server.run(['records', 'put', 'people', '--subject', subject, '--json'], {
          input: JSON.stringify({ name }),
        }),
      ).id,
    );
  const at = (name: string) => path.join(server.dir, name);
  const erasedId = put('subject-to-erase', ERASED_NAME);
  const keptId = put('subject-to-keep', KEPT_NAME);
  const apiKey = json<{ key: string }>(server.run(['api-keys', 'create', 'backup-test', '--json'])).key;
  const keyFile = at('backup.key');
  expect(cli(['backup', 'keygen', keyFile]).status).toBe(0);
  return { server, apiKey, keyFile, backupFile: at('strongroom.backup'), erasedId, keptId, at };
}

/** The head of a deployment's audit trail as `audit verify` prints it (`SEQ:HASH`), for `--expect-head`. */
export function liveHead(args: string[], env: Record<string, string> = {}): string {
  const verified = cli(['audit', 'verify', ...args], env);
  expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  const head = /^head (\d+:[0-9a-f]{64})$/m.exec(verified.stdout)?.[1];
  expect(head, verified.stdout).toBeDefined();
  return head as string;
}

/** `backup create` of the fixture's live server into its backup file; fails the test if it does not succeed. */
export function backUp(f: BackupFixture): CliResult {
  const created = cli([
    'backup',
    'create',
    f.backupFile,
    '--data-dir',
    f.server.dataDir,
    '--key-file',
    f.keyFile,
  ]);
  expect(created.status, created.stderr).toBe(0);
  return created;
}

/** Erases `subject` through the live server's API (`POST /v1/subjects/erase`), expecting 200. */
export async function eraseSubject(f: BackupFixture, subject = 'subject-to-erase'): Promise<void> {
  const erased = await call(f.server.url, f.server.caFile, f.apiKey, 'POST', '/v1/subjects/erase', {
    subject,
  });
  expect(erased.status, JSON.stringify(erased.body)).toBe(200);
}

/**
 * The live trail as a restore takes it: every event exported (`audit export --since 2000-01-01`) into the file
 * `name` of the fixture, and the head `audit verify` prints for `--expect-head`.
 */
export function exportTrail(f: BackupFixture, name: string): { file: string; text: string; head: string } {
  const exported = cli([
    'audit',
    'export',
    '--data-dir',
    f.server.dataDir,
    '--since',
    '2000-01-01T00:00:00Z',
  ]);
  expect(exported.status, exported.stderr).toBe(0);
  const file = f.at(name);
  fs.writeFileSync(file, exported.stdout);
  return { file, text: exported.stdout, head: liveHead(['--data-dir', f.server.dataDir]) };
}

/** A restored server: its URL and CA, and a reader of the fixture's `people` records (name revealed). */
export interface RestoredNode {
  url: string;
  ca: string;
  record(id: string): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** Serves a restored directory with the fixture's master key, runs `work` against it, and stops it. */
export async function serveRestored<T>(
  f: BackupFixture,
  target: string,
  work: (node: RestoredNode) => Promise<T>,
): Promise<T> {
  fs.copyFileSync(path.join(f.server.dataDir, 'master.key'), path.join(target, 'master.key'));
  fs.chmodSync(path.join(target, 'master.key'), 0o600);
  const second = await serve(target);
  try {
    const ca = path.join(target, 'tls', 'ca.pem');
    const record = (id: string) =>
      call(second.url, ca, f.apiKey, 'GET', `/v1/collections/people/records/${id}?reveal=name`);
    return await work({ url: second.url, ca, record });
  } finally {
    await second.stop();
  }
}

/** The erased subject's record answers 410 SUBJECT_ERASED and the kept one its name. */
export async function expectErasedAndKept(f: BackupFixture, node: RestoredNode): Promise<void> {
  const gone = await node.record(f.erasedId);
  expect([gone.status, (gone.body.error as { code: string }).code]).toEqual([410, 'SUBJECT_ERASED']);
  const kept = await node.record(f.keptId);
  expect([kept.status, (kept.body.fields as { name: string }).name]).toEqual([200, KEPT_NAME]);
}
