/**
 * `strongroom serve` on PostgreSQL waits for the database instead of exiting: an orchestrator often starts the
 * database and the server together, and the database takes seconds to accept connections. Each attempt opens one
 * connection (bounded by the connect timeout, and by what is left of the budget) and runs `select 1`; between
 * attempts the wait grows exponentially (250 ms, doubling, capped at 5 s) with jitter, so many nodes restarting at
 * once do not knock in step. When the budget (STRONGROOM_DATABASE_START_TIMEOUT_MS) is spent the start fails with
 * DEPENDENCY_UNAVAILABLE naming the setting, and the process exits non-zero.
 * Invariants: the URL is never logged as given (it may hold a password in its userinfo or its query): logs name
 * the target as `host:port/database` only; every connection opened is ended; nothing waits past the budget by
 * more than one connect timeout.
 */
import pg from 'pg';
import { AppError } from '../errors.js';

/** Where a PostgreSQL URL points, without user, password or query: `host:port/database` (for logs). */
export function databaseTarget(url: string): string {
  try {
    const parsed = new URL(url);
    // A socket directory given as ?host=/run/postgresql is a path, not a secret.
    const host = parsed.host === '' ? (parsed.searchParams.get('host') ?? 'localhost') : parsed.host;
    return `${host}${parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

export interface WaitForDatabaseOptions {
  url: string;
  /** The whole budget; 0 makes exactly one attempt. */
  timeoutMs: number;
  /** One attempt's connect (and `select 1`) limit. */
  connectTimeoutMs: number;
  logger: { warn(fields: object, message: string): void; info(fields: object, message: string): void };
  /** Tests: time, sleeping and randomness. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;

/** The wait before attempt `attempt + 1`: exponential, capped, half of it random ("equal jitter"). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A short, secret-free reason: the error's code (ECONNREFUSED, 28P01, …) or its first line. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  const message = error instanceof Error ? error.message : String(error);
  // A driver message that quotes a connection string must not carry it (and its password) into the log.
  const line = (message.split('\n')[0] ?? '').replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, '(url)');
  return line.slice(0, 200) || 'unknown';
}

async function tryOnce(url: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'strongroom:wait-for-database',
  });
  // A connection lost after connect emits 'error' on the client: without a listener Node would exit.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** Resolves once the database answers `select 1`; throws DEPENDENCY_UNAVAILABLE when the budget is spent. */
export async function waitForDatabase(options: WaitForDatabaseOptions): Promise<void> {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const target = databaseTarget(options.url);
  const deadline = clock() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const left = deadline - clock();
    try {
      await tryOnce(options.url, Math.max(100, Math.min(options.connectTimeoutMs, left)));
      if (attempt > 1) options.logger.info({ target, attempt }, 'database reachable');
      return;
    } catch (error) {
      const reason = reasonOf(error);
      const delay = backoffDelay(attempt, options.random);
      if (clock() + delay >= deadline) {
        throw new AppError('DEPENDENCY_UNAVAILABLE', {
          message: `the database at ${target} did not answer within ${options.timeoutMs} ms (STRONGROOM_DATABASE_START_TIMEOUT_MS; last error: ${reason})`,
          cause: error,
        });
      }
      options.logger.warn(
        { target, attempt, reason, retryInMs: delay },
        'database not reachable yet; retrying',
      );
      await sleep(delay);
    }
  }
}
