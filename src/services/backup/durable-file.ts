/** fsync helpers: a file's bytes, and a directory's entries (so a rename survives a crash). */
import fs from 'node:fs/promises';

export async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; POSIX needs it for the rename to be durable.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
