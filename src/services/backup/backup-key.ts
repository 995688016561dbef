/**
 * Backup keys: 32 random bytes in a file of their own (base64, mode 0600), made by `strongroom backup keygen`.
 * Why a key file and not a passphrase: backups run unattended (cron, a systemd timer), where nobody types a
 * passphrase, and a random key needs no KDF parameters to get right; the operator keeps the file off the host,
 * with the root key's custodians or in a secrets manager.
 * Invariants: the file is created exclusively (an existing file is never replaced: backups made with it would be
 * lost) and owner-only; a key file others can read is refused, as ssh refuses such a private key; the key is never
 * printed; a backup key equal to the root key is refused (the backup key must not open the live data, nor the root
 * key the backups).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.js';

const invalid = (message: string) => new AppError('BACKUP_KEY_INVALID', { field: 'keyFile', message });

/** Writes a new random backup key to `file` (0600); refuses an existing file (BACKUP_FILE_EXISTS). */
export function generateBackupKey(file: string): void {
  let handle: number;
  try {
    handle = fs.openSync(file, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new AppError('BACKUP_FILE_EXISTS', {
        field: 'file',
        message: `${file} exists already: it is never replaced (backups made with it would be lost)`,
      });
    throw invalid(`cannot create ${file} (${code ?? 'unwritable'})`);
  }
  try {
    fs.writeSync(handle, `${randomBytes(32).toString('base64')}\n`);
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
}

function decode(text: string): Buffer | null {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  return key.length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? key : null;
}

/**
 * Reads the backup key in `file`. `rootKey` names the root key's file and value when they are configured, so that
 * the same key is refused.
 */
export function readBackupKey(
  file: string,
  rootKey: { masterKeyFile: string; masterKey: string | null } | null = null,
): Buffer {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw invalid(`cannot read the backup key file ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  if (!stat.isFile()) throw invalid(`the backup key file ${file} is not a file`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0)
    throw invalid(`the backup key file ${file} is readable by other users; run: chmod 600 ${file}`);
  const key = decode(fs.readFileSync(file, 'utf8'));
  if (key === null) throw invalid(`the backup key file ${file} must hold 32 bytes encoded as base64`);
  if (rootKey !== null && isRootKey(key, file, rootKey))
    throw invalid('the backup key must not be the root key: make one with `strongroom backup keygen FILE`');
  return key;
}

function isRootKey(key: Buffer, file: string, root: { masterKeyFile: string; masterKey: string | null }) {
  if (path.resolve(file) === path.resolve(root.masterKeyFile)) return true;
  const candidates: Array<Buffer | null> = [root.masterKey === null ? null : decode(root.masterKey)];
  try {
    candidates.push(decode(fs.readFileSync(root.masterKeyFile, 'utf8')));
  } catch {
    // No root key file (a sealed keyring, or a key given as a value): nothing to compare with.
  }
  return candidates.some((candidate) => candidate !== null && timingSafeEqual(candidate, key));
}
