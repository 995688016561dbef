/**
 * `strongroom keys rotate` and `strongroom keys job`: start a key rotation on a running server and follow its job
 * to the end, with a progress bar on a terminal and plain progress lines otherwise.
 * The credential (an access token or API key of an admin) comes from STRONGROOM_TOKEN or stdin, never from argv.
 */
import type { Config } from '../config.js';
import { type ApiClient, createApiClient, expectStatus } from './api-client.js';
import { readSecretLine } from './read-secret.js';

const POLL_MS = 500;
const BAR_WIDTH = 30;
const PLAIN_LINE_MS = 2000;

export interface KeyJobView {
  id: string;
  kind: string;
  status: string;
  total: number;
  done: number;
  from_version: number;
  to_version: number;
}

export interface ProgressOutput {
  isTTY: boolean;
  write(text: string): void;
}

export interface KeysFlags {
  url?: string;
  ca?: string;
}

async function credentialFrom(token: string | null): Promise<string> {
  if (token !== null) return token;
  try {
    return await readSecretLine('Admin access token or API key (not echoed): ');
  } catch {
    throw new Error('no credential: set STRONGROOM_TOKEN or give it on standard input');
  }
}

/** One progress line: a bar on a terminal, plain text otherwise. */
export function formatProgress(job: KeyJobView, bar: boolean): string {
  const ratio = job.total === 0 ? 1 : Math.min(1, job.done / job.total);
  const percent = Math.floor(ratio * 100);
  const counts = `${job.done}/${job.total}`;
  if (!bar) return `${job.kind} key job ${job.id}: ${job.status} ${counts} (${percent}%)`;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${counts} ${job.status}`;
}

/** Polls the job until it is no longer running, drawing its progress; throws if it failed. */
export async function followJob(client: ApiClient, id: string, out: ProgressOutput): Promise<KeyJobView> {
  let lastLine = '';
  let lastPlainAt = 0;
  for (;;) {
    const job = expectStatus(
      await client.call('GET', `/v1/keys/jobs/${encodeURIComponent(id)}`),
      200,
    ) as unknown as KeyJobView;
    const finished = job.status !== 'running';
    const line = formatProgress(job, out.isTTY);
    if (out.isTTY) {
      out.write(`\r${line}`);
      if (finished) out.write('\n');
    } else if (line !== lastLine && (finished || Date.now() - lastPlainAt >= PLAIN_LINE_MS)) {
      out.write(`${line}\n`);
      lastLine = line;
      lastPlainAt = Date.now();
    }
    if (finished) {
      if (job.status !== 'completed') throw new Error(`key job ${job.id} ${job.status}`);
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `keys rotate`: starts the rotation, then follows its job. */
export async function keysRotate(
  config: Readonly<Config>,
  flags: KeysFlags & { master?: boolean; collection?: string; index?: boolean },
  token: string | null,
  print: (line: string) => void,
  out: ProgressOutput,
): Promise<void> {
  if ((flags.master === true) === (flags.collection !== undefined)) {
    throw new Error('give either --master or --collection <name>');
  }
  if (flags.index === true && flags.collection === undefined)
    throw new Error('--index needs --collection <name>');
  const client = createApiClient(config, flags, await credentialFrom(token));
  const body =
    flags.collection === undefined
      ? { target: 'master' }
      : {
          target: 'collection',
          collection: flags.collection,
          ...(flags.index === true ? { index: true } : {}),
        };
  const { job } = expectStatus(await client.call('POST', '/v1/keys/rotate', body), 202) as unknown as {
    job: KeyJobView;
  };
  print(`Started ${job.kind} key rotation ${job.id}: version ${job.from_version} -> ${job.to_version}`);
  await followJob(client, job.id, out);
  print(`Done: old version retired.`);
}

/** `keys job <id>`: follows an existing job to its end. */
export async function keysJob(
  config: Readonly<Config>,
  id: string,
  flags: KeysFlags,
  token: string | null,
  out: ProgressOutput,
): Promise<void> {
  const client = createApiClient(config, flags, await credentialFrom(token));
  await followJob(client, id, out);
}
