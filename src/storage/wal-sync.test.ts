import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { createPersistence } from './persistence.js';
import { createWalSync } from './wal-sync.js';

// Linux lists a process's descriptors with their targets; elsewhere these checks are skipped.
const FD_DIR = '/proc/self/fd';
const canListDescriptors = fs.existsSync(FD_DIR);
function descriptorsOn(file: string): number {
  return fs.readdirSync(FD_DIR).filter((fd) => {
    try {
      return fs.readlinkSync(path.join(FD_DIR, fd)) === file;
    } catch {
      return false;
    }
  }).length;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-sync-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('createWalSync', () => {
  it('syncs nothing while there is no log, and the log once it exists, through one descriptor', async () => {
    const file = path.join(dir, 'db-wal');
    const log = createWalSync(file);
    const datasync = vi.spyOn(fs, 'fdatasync');
    await log.sync();
    expect(datasync).not.toHaveBeenCalled();
    fs.writeFileSync(file, 'frames');
    await Promise.all([log.sync(), log.sync(), log.sync()]);
    await log.sync();
    expect(datasync).toHaveBeenCalledTimes(4);
    if (canListDescriptors) expect(descriptorsOn(file)).toBe(1);
    await log.close();
    if (canListDescriptors) expect(descriptorsOn(file)).toBe(0);
    await expect(log.sync()).rejects.toThrow(/closed/);
  });

  it('reopens by path when the log it holds was removed, so it never syncs a file that no longer holds commits', async () => {
    const file = path.join(dir, 'db-wal');
    fs.writeFileSync(file, 'first');
    const log = createWalSync(file);
    await log.sync();
    const before = fs.statSync(file).ino;
    fs.rmSync(file);
    fs.writeFileSync(file, 'second');
    const datasync = vi.spyOn(fs, 'fdatasync');
    await log.sync();
    const synced = datasync.mock.calls[0]?.[0];
    expect(typeof synced).toBe('number');
    expect(fs.fstatSync(synced as number).ino).toBe(fs.statSync(file).ino);
    expect(fs.statSync(file).ino).not.toBe(before);
    await log.close();
    // The stale descriptor is closed too, once the syncs that could use it settled.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (canListDescriptors) expect(descriptorsOn(file)).toBe(0);
  });

  it('lets go of a log that was renamed away (still linked) and syncs the file now at the path', async () => {
    const file = path.join(dir, 'db-wal');
    fs.writeFileSync(file, 'first');
    const log = createWalSync(file);
    await log.sync();
    fs.renameSync(file, path.join(dir, 'moved-wal'));
    const datasync = vi.spyOn(fs, 'fdatasync');
    // Nothing at the path: nothing to sync, and the moved file is not synced in its place.
    await log.sync();
    expect(datasync).not.toHaveBeenCalled();
    fs.writeFileSync(file, 'second');
    await log.sync();
    const synced = datasync.mock.calls[0]?.[0] as number;
    expect(fs.fstatSync(synced).ino).toBe(fs.statSync(file).ino);
    await log.close();
  });

  it('fails every sync after one datasync failed, without trying again (a writeback error is reported once)', async () => {
    const file = path.join(dir, 'db-wal');
    fs.writeFileSync(file, 'frames');
    const log = createWalSync(file);
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const datasync = vi
      .spyOn(fs, 'fdatasync')
      .mockImplementationOnce(((_fd: number, callback: (error: Error | null) => void) =>
        callback(eio)) as unknown as typeof fs.fdatasync);
    await expect(log.sync()).rejects.toThrow(/could not be synced/);
    await expect(log.sync()).rejects.toThrow(/could not be synced/);
    await expect(log.sync()).rejects.toThrow(/could not be synced/);
    expect(datasync).toHaveBeenCalledTimes(1);
    await log.close();
  });

  it('lets a sync in flight finish before close, then closes', async () => {
    const file = path.join(dir, 'db-wal');
    fs.writeFileSync(file, 'frames');
    const log = createWalSync(file);
    const pending = log.sync();
    const closing = log.close();
    await expect(pending).resolves.toBeUndefined();
    await closing;
    if (canListDescriptors) expect(descriptorsOn(file)).toBe(0);
  });
});

describe('durable transactions on SQLite', () => {
  it('datasync the log after each durable commit, also after a checkpoint truncated it, and release it on close', async () => {
    const file = path.join(dir, 'strongroom.db');
    const handle = await openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath: file });
    try {
      await migrateToLatest(handle.db as never);
      const persistence = createPersistence(handle);
      // SQLite holds the log open itself; the log sync adds one descriptor, however many commits it syncs.
      const sqliteOwn = canListDescriptors ? descriptorsOn(`${file}-wal`) : 0;
      const datasync = vi.spyOn(fs, 'fdatasync');
      let seq = 0;
      const append = () =>
        persistence.durableTransaction(async (audit) =>
          audit.advanceSinkCursor('test', ++seq, 'h', Date.now()),
        );
      await append();
      expect(await persistence.checkpointLog()).toBe(true);
      await append();
      expect(datasync).toHaveBeenCalledTimes(2);
      if (canListDescriptors) expect(descriptorsOn(`${file}-wal`)).toBe(sqliteOwn + 1);
    } finally {
      await handle.close();
    }
    if (canListDescriptors) expect(descriptorsOn(`${file}-wal`)).toBe(0);
  });
});
