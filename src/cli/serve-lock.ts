/**
 * One `strongroom serve` per SQLite data directory.
 *
 * Protects: revocation. Each node keeps sessions and users in its credential cache and learns of a logout, a
 * password change or a disabled user through Redis or PostgreSQL notifications (src/state/revocation-bus.ts);
 * SQLite has neither, so a second server on the same file would honour another's logout only when its cache entry
 * ages out (up to 5 s), and each would keep login throttles of its own. Several nodes run on PostgreSQL and Redis.
 * Invariants: the lock (`<data-dir>/serve.lock`, owner `{pid, host}`) is taken before anything is initialised and
 * removed when the process exits; a lock whose owner is gone (same host, pid not running: a server killed with
 * SIGKILL) is taken over, as the CLI's session lock is (session-lock.ts); a live owner, or one on another host (a
 * shared volume), makes the start fail with CONFIG_CONFLICT naming the file.
 * Not addressed: a dead owner's pid reused by another process (the start is refused; delete the file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { configError } from '../config.js';
import { takeLockNow } from './session-lock.js';

export const SERVE_LOCK_FILE = 'serve.lock';

/** Takes the data directory's serve lock until this process exits; throws CONFIG_CONFLICT when another holds it. */
export function takeServeLock(dataDir: string): void {
  const lock = path.join(dataDir, SERVE_LOCK_FILE);
  const result = takeLockNow(lock);
  if (!result.taken) {
    const owner =
      result.owner === null ? 'another process' : `process ${result.owner.pid} on ${result.owner.host}`;
    throw configError(
      'CONFIG_CONFLICT',
      'dataDir',
      `${owner} already serves ${dataDir} (${lock}): SQLite serves one node, so a second one would honour logouts late. ` +
        'Stop it, or run several nodes on PostgreSQL and Redis (docs/multi-node.md); if no server is running, delete the lock file',
    );
  }
  process.once('exit', () => fs.rmSync(lock, { force: true }));
}
