/**
 * The CLI's login session on disk: `<config dir>/session.json` holding the server URL, its CA (PEM, pinned at
 * login), the username and the current refresh token.
 *
 * Protects: the refresh token, which opens a session as the logged-in user until it expires.
 * Invariants:
 * - The directory is 0700 and the file 0600, owned by the user; a file others can read is refused, not used.
 * - Every write is atomic (a 0600 temporary file in the same directory, fsynced, then renamed over the old one), so
 *   a crash leaves the old token or the new one, never half a file; the token rotates on every command, because
 *   the server spends a refresh token on use.
 * - The directory and the file belong to the user running the command; anything else is refused, not used or fixed.
 * - Every spend of the token (a resume, and each refresh of a long command) takes the session lock first and spends
 *   the token stored now (session-lock.ts): two commands presenting one refresh token would look like a stolen
 *   token to the server, which then ends the whole session.
 * - The token is never printed, logged, put in an error message or taken from the command line.
 * Not addressed: another process of the same user (it can read the file), a machine without file permissions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.js';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-file.js';
import { withDirectoryLock } from './session-lock.js';

export interface StoredSession {
  url: string;
  /** The CA the server was verified with at login (PEM), or null for the system trust store. */
  ca: string | null;
  username: string;
  refreshToken: string;
}

const FILE_NAME = 'session.json';

export function sessionPath(configDir: string): string {
  return path.join(configDir, FILE_NAME);
}

/** The stored session, or null when there is none. Refuses a file that group or others may read. */
export function readSession(configDir: string): StoredSession | null {
  const file = sessionPath(configDir);
  const text = readPrivateFile(file, 'delete it and log in again');
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const { url, ca, username, refresh_token: refreshToken } = value;
    if (
      typeof url === 'string' &&
      (ca === null || typeof ca === 'string') &&
      typeof username === 'string' &&
      typeof refreshToken === 'string'
    ) {
      return { url, ca, username, refreshToken };
    }
  } catch {
    // Falls through to the same answer as a file of the wrong shape.
  }
  throw new CliError(
    'SESSION_FILE_INVALID',
    `${file} is not a Strongroom session: delete it and log in again`,
  );
}

/** Replaces the session file atomically (0600 temporary file, fsync, rename). */
export function writeSession(configDir: string, session: StoredSession): void {
  const body = JSON.stringify({
    url: session.url,
    ca: session.ca,
    username: session.username,
    refresh_token: session.refreshToken,
  });
  writePrivateFile(configDir, sessionPath(configDir), `${body}\n`);
}

export function deleteSession(configDir: string): boolean {
  const file = sessionPath(configDir);
  const existed = fs.existsSync(file);
  fs.rmSync(file, { force: true });
  return existed;
}

/** Runs `work` holding the session lock (session-lock.ts) in the private config directory. */
export async function withSessionLock<T>(configDir: string, work: () => Promise<T>): Promise<T> {
  ensurePrivateDir(configDir);
  return await withDirectoryLock(configDir, work);
}
