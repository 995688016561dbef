/**
 * The first administrator. On a database with no users, creates `admin` with a random password and writes that
 * password to `<data-dir>/initial-admin-password` (mode 0600, created exclusively). The password is never printed or
 * logged; the file is deleted when `admin` changes the password.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { UserStore } from '../storage/index.js';

export const INITIAL_ADMIN_USERNAME = 'admin';
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password';

/** Creates the initial admin when there are no users; returns the password file path when it did. */
export async function ensureInitialAdmin(deps: {
  users: Pick<UserStore, 'count' | 'insert'>;
  hasher: { hash(password: string): Promise<string> };
  dataDir: string;
  clock: () => number;
}): Promise<string | null> {
  if ((await deps.users.count()) > 0) return null;
  // 24 random bytes: 192 bits, 32 base64url characters.
  const password = randomBytes(24).toString('base64url');
  const file = path.join(deps.dataDir, INITIAL_ADMIN_PASSWORD_FILE);
  await fs.mkdir(deps.dataDir, { recursive: true, mode: 0o700 });
  await fs.rm(file, { force: true });
  await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  const now = deps.clock();
  try {
    await deps.users.insert({
      id: randomUUID(),
      username: INITIAL_ADMIN_USERNAME,
      passwordHash: await deps.hasher.hash(password),
      roles: ['admin'],
      disabled: false,
      credentialVersion: 0,
      createdAt: now,
      updatedAt: now,
    });
  } catch (error) {
    await fs.rm(file, { force: true });
    throw error;
  }
  return file;
}
