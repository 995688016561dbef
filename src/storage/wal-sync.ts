/**
 * fdatasync of SQLite's `-wal` log through one descriptor kept open, so a durable commit costs one threadpool job
 * instead of three (open, datasync, close); under a login load those jobs queue behind password hashing.
 * Invariants:
 * - a sync resolves only after the file at the log's path was synced: before each sync the kept descriptor is
 *   compared with the path (device and inode, two stat calls on the main thread, no I/O), and a log that was
 *   replaced, renamed away or removed is let go and the path reopened. SQLite removes the log only when its last
 *   connection closes, which this process's own connection prevents while it runs, and a checkpoint truncates it
 *   in place (same file), so this is a guard, not the normal path;
 * - once a datasync fails, every later sync fails too, until restart: Linux reports a writeback error once per
 *   descriptor, so a later datasync on the same descriptor could succeed although the failed commit's frames are
 *   lost (and SQLite's checksum chain would then drop every later frame on recovery);
 * - no log at the path (none written yet, or a checkpoint removed it after syncing it into the database) is
 *   nothing to sync.
 * Threat it does not cover: a log deleted from outside while SQLite still writes to its own descriptor.
 */
import fs from 'node:fs';

// Callback APIs on plain descriptors: a FileHandle would add its own open and close jobs and objects.
const open = (file: string) =>
  new Promise<number>((resolve, reject) =>
    fs.open(file, 'r', (error, fd) => (error ? reject(error) : resolve(fd))),
  );
const fdatasync = (fd: number) =>
  new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
const close = (fd: number) =>
  new Promise<void>((resolve, reject) => fs.close(fd, (error) => (error ? reject(error) : resolve())));

export interface WalSync {
  /** Makes every commit written to the log so far durable. */
  sync(): Promise<void>;
  /** Refuses new syncs, lets those in flight finish, then closes the descriptor. */
  close(): Promise<void>;
}

export function createWalSync(file: string): WalSync {
  let fd: number | null = null;
  let opening: Promise<number | null> | null = null;
  let closed = false;
  const inFlight = new Set<Promise<void>>();

  const openLog = async (): Promise<number | null> => {
    try {
      return await open(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };

  // One open at a time: concurrent syncs share it instead of leaking a second descriptor.
  const isLogAtPath = (held: number): boolean => {
    const atPath = fs.statSync(file, { throwIfNoEntry: false });
    const open = fs.fstatSync(held);
    return atPath !== undefined && atPath.ino === open.ino && atPath.dev === open.dev;
  };

  const descriptor = async (): Promise<number | null> => {
    if (fd !== null && !isLogAtPath(fd)) {
      const stale = fd;
      fd = null;
      // Closed once the syncs that may still use it have settled (this one included, which no longer will).
      void Promise.allSettled([...inFlight]).then(() => close(stale).catch(() => undefined));
    }
    if (fd !== null) return fd;
    opening ??= openLog().finally(() => {
      opening = null;
    });
    const opened = await opening;
    if (opened !== null && fd === null) fd = opened;
    else if (opened !== null && opened !== fd) await close(opened);
    return fd;
  };

  let failure: Error | null = null;
  const syncOnce = async (): Promise<void> => {
    if (failure !== null) throw failure;
    const current = await descriptor();
    if (current === null) return;
    try {
      await fdatasync(current);
    } catch (error) {
      failure ??= new Error('the database log could not be synced; durable commits fail until restart', {
        cause: error,
      });
      throw failure;
    }
  };

  return {
    sync() {
      if (closed) return Promise.reject(new Error('the log sync is closed'));
      const pending = syncOnce().finally(() => inFlight.delete(pending));
      inFlight.add(pending);
      return pending;
    },
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
      if (fd !== null) {
        const last = fd;
        fd = null;
        await close(last);
      }
    },
  };
}
