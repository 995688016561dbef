/**
 * Atomic file replacement for key and certificate files.
 *
 * Invariants:
 * - a reader sees either the old file or the complete new one, never a partial write: data goes to a temporary
 *   file in the same directory (same file system) which is flushed, then renamed over the target;
 * - the temporary file is created exclusively (`wx`, so a planted file or symlink makes it fail) with its final
 *   mode, so a private key is never readable by others, even for an instant;
 * - on failure the temporary file is removed.
 * Not addressed: a crash between the write and the rename leaves a stray `.name.*.tmp` file behind (with the
 * final, restrictive mode); concurrent writers to the same target (the last rename wins).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` with `mode` so that the file is replaced all at once or not at all. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      // The umask may have cleared bits of `mode` at creation; set it exactly before any data is written.
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename durable; some platforms (Windows) cannot fsync a directory, which only weakens durability.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    return;
  }
}
