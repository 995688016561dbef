/**
 * Master key sources: a key given in configuration (base64, 32 bytes; from STRONGROOM_MASTER_KEY or a secret file) or,
 * by default, a development key file created on first start (mode 0600).
 * Invariants: the key is never logged or returned to a client; a key file readable by group or others is refused,
 * as ssh refuses a private key that others can read. The development file sits next to the data it protects, so it
 * protects a stolen database dump but not a stolen data directory: production should pass the key in from elsewhere.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';

export type MasterKeySource = 'configured' | 'key-file' | 'development-key-file';

export interface MasterKey {
  key: Buffer;
  source: MasterKeySource;
  created: boolean;
}

/** `setting` names where the key came from (`masterKey` or `masterKeyFile`), reported as the error's field. */
function decodeKey(text: string, origin: string, setting: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new AppError('CONFIG_INVALID_VALUE', {
      field: setting,
      message: `${origin} must hold 32 bytes encoded as base64`,
    });
  }
  return key;
}

function readKeyFile(file: string): Buffer {
  const stat = fs.statSync(file);
  if ((stat.mode & 0o077) !== 0) {
    throw new AppError('CONFIG_FILE_INSECURE', {
      field: 'masterKeyFile',
      message: `master key file ${file} is readable by other users; run: chmod 600 ${file}`,
    });
  }
  return decodeKey(fs.readFileSync(file, 'utf8'), `master key file ${file}`, 'masterKeyFile');
}

/**
 * Loads the master key; creates the development key file when nothing is configured and the file is missing.
 * Throws a CONFIG_* AppError whose field is the setting to fix (`masterKey` or `masterKeyFile`).
 */
export function loadMasterKey(options: {
  masterKey: string | null;
  masterKeyFile: string;
  isDefaultFile: boolean;
}): MasterKey {
  if (options.masterKey !== null) {
    return {
      key: decodeKey(options.masterKey, 'STRONGROOM_MASTER_KEY', 'masterKey'),
      source: 'configured',
      created: false,
    };
  }
  const source: MasterKeySource = options.isDefaultFile ? 'development-key-file' : 'key-file';
  if (fs.existsSync(options.masterKeyFile)) {
    return { key: readKeyFile(options.masterKeyFile), source, created: false };
  }
  if (!options.isDefaultFile) {
    throw new AppError('CONFIG_FILE_MISSING', {
      field: 'masterKeyFile',
      message: `master key file ${options.masterKeyFile} does not exist`,
    });
  }
  fs.mkdirSync(path.dirname(options.masterKeyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx': never overwrite a key that appeared meanwhile; losing a master key loses every secret it wraps.
  fs.writeFileSync(options.masterKeyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source, created: true };
}
