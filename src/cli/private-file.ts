/**
 * Private files of the CLI in its config directory (the session, the audit marks of `check deployment`): read
 * only when safe, written atomically.
 * Invariants:
 * - The directory and the file belong to the user running the command; anything else is refused
 *   (SESSION_FILE_UNSAFE), not used or fixed. The directory is made 0700; a file group or others may read or
 *   write is refused.
 * - A write goes to a temporary file in the same directory created exclusively (flag 'wx', 0600: a symlink or file
 *   planted at that name is removed first, never followed), fsynced, then renamed over the old file, so a crash
 *   leaves the old content or the new, never half a file.
 * Not addressed: another process of the same user, a machine without file permissions.
 */
import fs from 'node:fs';
import { CliError } from './cli-error.js';

/** Refuses a directory or file another user owns: its owner could read or replace it at will. */
export function checkOwner(target: string, stat: fs.Stats): void {
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new CliError(
      'SESSION_FILE_UNSAFE',
      `${target} belongs to another user (uid ${stat.uid}): use a config directory of your own`,
    );
  }
}

/** Creates `dir` 0700 when missing; refuses it when another user owns it, and makes it 0700 when looser. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  checkOwner(dir, stat);
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/**
 * The text of `file`, or null when there is none. Refuses a file another user owns, or that group or others may
 * read or write; `remedy` ends that message (what the user should do).
 */
export function readPrivateFile(file: string, remedy: string): string | null {
  try {
    const stat = fs.statSync(file);
    checkOwner(file, stat);
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new CliError(
        'SESSION_FILE_UNSAFE',
        `${file} may be read by others (mode ${mode.toString(8)}): ${remedy}`,
      );
    }
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Replaces `file` (in the private directory `dir`) atomically: 0600 temporary file ('wx'), fsync, rename. */
export function writePrivateFile(dir: string, file: string, text: string): void {
  ensurePrivateDir(dir);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.rmSync(temporary, { force: true });
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}
