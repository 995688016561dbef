/**
 * `strongroom keys rotate`, `keys job` and `keys jobs`: start a key rotation on a running server and follow its
 * job to the end, with a progress bar on a terminal and plain progress lines otherwise. The caller is the
 * logged-in admin (or STRONGROOM_TOKEN's API key), through @strongroom/client.
 */
import { type StrongroomClient, unwrap } from '@strongroom/client';
import { CliError } from './cli-error.js';

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

/** What a job moves, for a job that found none of it: records, blind indexes, or data keys (master). */
const NOTHING: Record<string, string> = {
  collection: 'nothing to re-encrypt',
  index: 'nothing to reindex',
  master: 'no data key to rewrap',
};

/**
 * Why a collection data key rotation has nothing to re-encrypt, or null when it has something (or is of another
 * kind). Its job moves the records sealed under the collection's data key, which are the records without a subject:
 * a record with a subject is sealed under that subject's own data key (shared by the subject's records in every
 * collection, and destroyed to erase the subject), which rotating one collection's key does not change; a master
 * key rotation rewraps it.
 */
export function nothingToMoveNotice(job: KeyJobView, collection: string | undefined): string | null {
  if (job.kind !== 'collection' || job.total !== 0) return null;
  const which = collection === undefined ? 'the collection' : collection;
  return (
    `Nothing to re-encrypt: no record of ${which} is sealed under its data key (records with a subject are ` +
    "sealed under the subject's own key, which this rotation does not change; --master rewraps those keys). " +
    'The job still waits for writes begun before it, then retires the old version.'
  );
}

/** One progress line: a bar on a terminal, plain text otherwise; "0/0" is said in words. */
export function formatProgress(job: KeyJobView, bar: boolean): string {
  const ratio = job.total === 0 ? 1 : Math.min(1, job.done / job.total);
  const percent = Math.floor(ratio * 100);
  const counts = job.total === 0 ? (NOTHING[job.kind] ?? 'nothing to move') : `${job.done}/${job.total}`;
  if (!bar) {
    return job.total === 0
      ? `${job.kind} key job ${job.id}: ${job.status}, ${counts}`
      : `${job.kind} key job ${job.id}: ${job.status} ${counts} (${percent}%)`;
  }
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${counts} ${job.status}`;
}

/** Polls the job until it is no longer running, drawing its progress; throws if it failed. */
export async function followJob(
  client: StrongroomClient,
  id: string,
  out: ProgressOutput,
): Promise<KeyJobView> {
  let lastLine = '';
  let lastPlainAt = 0;
  for (;;) {
    const job = unwrap(await client.GET('/v1/keys/jobs/{id}', { params: { path: { id } } })) as KeyJobView;
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
  client: StrongroomClient,
  flags: { master?: boolean; collection?: string; index?: boolean },
  print: (line: string) => void,
  out: ProgressOutput,
): Promise<KeyJobView> {
  if ((flags.master === true) === (flags.collection !== undefined)) {
    throw new CliError('USAGE', 'give either --master or --collection <name>');
  }
  if (flags.index === true && flags.collection === undefined) {
    throw new CliError('USAGE', '--index needs --collection <name>');
  }
  const body =
    flags.collection === undefined
      ? ({ target: 'master' } as const)
      : ({
          target: 'collection',
          collection: flags.collection,
          ...(flags.index === true ? { index: true } : {}),
        } as const);
  const { job } = unwrap(await client.POST('/v1/keys/rotate', { body })) as { job: KeyJobView };
  print(`Started ${job.kind} key rotation ${job.id}: version ${job.from_version} -> ${job.to_version}`);
  const notice = nothingToMoveNotice(job, flags.collection);
  if (notice !== null) print(notice);
  const done = await followJob(client, job.id, out);
  print('Done: old version retired.');
  return done;
}
