/**
 * The lock every CLI command of one user takes before it spends the session's refresh token (session-file.ts).
 *
 * Protects: the session. The server spends a refresh token on use and ends the whole session when it sees one
 * again, so two commands must never present the same token.
 * Invariants:
 * - The lock appears atomically with its owner inside (`{pid, host}` written to a private file, then hard-linked
 *   to `session.lock`, which fails if the lock exists): no reader ever sees a lock without an owner.
 * - It is held while a token is spent (a resume or a refresh, well under a second), never for a whole command, so a
 *   long command does not block the others and refreshes under the lock when its access token runs out.
 * - A lock is taken over only when its owner is gone: the same host and a pid that no longer runs. The takeover
 *   happens under a second exclusive lock (`session.lock.reap`) and reads the owner again first, so two commands
 *   that both found a dead owner never remove the lock one of them has just taken.
 * - A lock of a live process, or of another host (a shared home directory), is waited for, then refused with
 *   SESSION_BUSY naming the file.
 * Not addressed: a dead owner's pid reused by an unrelated process (the lock is then waited for and refused, never
 * stolen); a reap lock left by a process killed in the microseconds it holds it (aged out after a minute).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './cli-error.js';

const LOCK_WAIT_MS = 15_000;
/** A reap lock older than this belongs to a command that died in the instant it held it. */
const STALE_REAP_MS = 60_000;

export interface LockOwner {
  pid: number;
  host: string;
}

function readOwner(lock: string): LockOwner | null | 'gone' {
  let text: string;
  try {
    text = fs.readFileSync(lock, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string')
      return { pid: value.pid, host: value.host };
  } catch {
    // An owner that cannot be read is never presumed dead.
  }
  return null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const ownerIsGone = (owner: LockOwner | null | 'gone'): boolean =>
  owner !== null && owner !== 'gone' && owner.host === os.hostname() && !isRunning(owner.pid);

function tryCreate(target: string, content: string): boolean {
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temporary, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Removes `lock` if its owner is gone, under the reap lock; true when it did (or the lock vanished). */
function reapIfDead(lock: string): boolean {
  const reap = `${lock}.reap`;
  const age = Date.now() - (fs.statSync(reap, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
  if (age > STALE_REAP_MS) fs.rmSync(reap, { force: true });
  if (!tryCreate(reap, '')) return false;
  try {
    const owner = readOwner(lock);
    if (owner === 'gone') return true;
    if (!ownerIsGone(owner)) return false;
    fs.rmSync(lock, { force: true });
    return true;
  } finally {
    fs.rmSync(reap, { force: true });
  }
}

/**
 * Takes `lock` for this process at once when it is free or its owner is gone (reaped as above); otherwise answers
 * who holds it (null when the owner cannot be read), without waiting.
 */
export function takeLockNow(lock: string): { taken: true } | { taken: false; owner: LockOwner | null } {
  const me = JSON.stringify({ pid: process.pid, host: os.hostname() });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(lock, me)) return { taken: true };
    const owner = readOwner(lock);
    if (owner === 'gone') continue;
    if (ownerIsGone(owner) && reapIfDead(lock)) continue;
    return { taken: false, owner };
  }
  return { taken: false, owner: null };
}

/** Runs `work` holding `<dir>/session.lock`; waits (bounded) for another command of this user to finish. */
export async function withDirectoryLock<T>(
  dir: string,
  work: () => Promise<T>,
  waitMs = LOCK_WAIT_MS,
): Promise<T> {
  const lock = path.join(dir, 'session.lock');
  const deadline = Date.now() + waitMs;
  while (!takeLockNow(lock).taken) {
    if (Date.now() > deadline) {
      throw new CliError(
        'SESSION_BUSY',
        `another strongroom command holds ${lock}; if none is running, delete that file`,
      );
    }
    await sleep(50);
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
