/**
 * The backup file format: a plaintext manifest, then the payload (the database and, if any, the sealed keyring
 * file) encrypted in chunks with AES-256-GCM, in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár,
 * "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", 2015).
 *
 *   "SRBACKUP" version(u8 = 1) manifest-length(u32 BE) manifest(JSON, UTF-8)
 *   then chunks: final(u8: 0 or 1) length(u32 BE) ciphertext||tag(16)
 *
 * Keys: the file key is HKDF-SHA-256(backup key, salt = the manifest's random 32-byte salt, "strongroom-backup/v1
 * file"), so every file has its own key and the nonce can be the chunk index (4 zero bytes, u64 BE index). The
 * manifest's key id is HKDF(backup key, "strongroom-backup/v1 key-id") truncated to 8 bytes: it tells a wrong key
 * from a damaged file and reveals nothing usable about the key.
 * Every chunk's AAD is SHA-256 of everything before the first chunk (magic, version, manifest), the chunk index and
 * the final flag, so:
 *   - the manifest is authenticated by every chunk (changing it fails the first chunk);
 *   - reordering, dropping or duplicating chunks fails (the index is in the nonce and the AAD);
 *   - truncation at a chunk boundary is seen (the stream has no chunk flagged final), and so are bytes after it.
 * Threats addressed: reading a backup without the backup key; undetected tampering, truncation or splicing of
 * backup files (also across files made with the same key). Not addressed: the manifest is readable by anyone
 * with the file (times, schema version, audit head: no personal data); the payload size shows.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';

export const MAGIC = Buffer.from('SRBACKUP', 'latin1');
export const FORMAT_VERSION = 1;
export const CHUNK_BYTES = 256 * 1024;
export const TAG_BYTES = 16;
/** A manifest larger than this is refused before it is parsed. */
export const MANIFEST_LIMIT = 64 * 1024;

/** One file of the payload, in payload order. */
export interface BackupEntry {
  name: 'strongroom.db' | 'keyring.json';
  size: number;
}

/** The plaintext manifest (authenticated by every chunk). */
export interface BackupManifest {
  format: 'strongroom-backup';
  version: 1;
  created_at: string;
  strongroom_version: string;
  database: 'sqlite';
  /** The migrations applied to the database in the backup, in order. */
  migrations: string[];
  /** The audit chain head in the backup: a restore's erasure log must continue from here. */
  audit: { seq: number; hash: string; time: string | null };
  files: BackupEntry[];
  key_id: string;
  salt: string;
  chunk_bytes: number;
}

const ENTRY_NAMES: ReadonlySet<string> = new Set(['strongroom.db', 'keyring.json']);

/** The id of a backup key, as the manifest records it. */
export function backupKeyId(key: Buffer): string {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'strongroom-backup/v1 key-id', 8)).toString(
    'base64url',
  );
}

function fileKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, 'strongroom-backup/v1 file', 32));
}

function nonceOf(index: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
}

function aadOf(preambleHash: Buffer, index: number, final: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail[8] = final ? 1 : 0;
  return Buffer.concat([Buffer.from('strongroom-backup/v1', 'latin1'), preambleHash, tail]);
}

/** A new manifest's salt (random 32 bytes, base64url). */
export function newSalt(): string {
  return randomBytes(32).toString('base64url');
}

/** The bytes before the first chunk: magic, version, manifest length and manifest. */
export function encodePreamble(manifest: BackupManifest): Buffer {
  const json = Buffer.from(JSON.stringify(manifest), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length, 0);
  return Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION]), length, json]);
}

/** Seals chunks of one file in order; `seal(last, true)` must be the last call. */
export function createChunkSealer(key: Buffer, manifest: BackupManifest, preamble: Buffer) {
  const fk = fileKey(key, Buffer.from(manifest.salt, 'base64url'));
  const preambleHash = createHash('sha256').update(preamble).digest();
  let index = 0;
  return (plaintext: Buffer, final: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', fk, nonceOf(index), { authTagLength: TAG_BYTES });
    cipher.setAAD(aadOf(preambleHash, index, final));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    index += 1;
    const head = Buffer.alloc(5);
    head[0] = final ? 1 : 0;
    head.writeUInt32BE(body.length, 1);
    return Buffer.concat([head, body]);
  };
}

/** Opens chunks of one file in order; throws BACKUP_CORRUPT on any failed authentication. */
export function createChunkOpener(key: Buffer, manifest: BackupManifest, preamble: Buffer) {
  const fk = fileKey(key, Buffer.from(manifest.salt, 'base64url'));
  const preambleHash = createHash('sha256').update(preamble).digest();
  let index = 0;
  return (body: Buffer, final: boolean): Buffer => {
    if (body.length < TAG_BYTES) throw new AppError('BACKUP_CORRUPT', { message: 'a chunk is too short' });
    const decipher = createDecipheriv('aes-256-gcm', fk, nonceOf(index), { authTagLength: TAG_BYTES });
    decipher.setAAD(aadOf(preambleHash, index, final));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]);
      index += 1;
      return plain;
    } catch {
      throw new AppError('BACKUP_CORRUPT', {
        message: `chunk ${index} failed authentication: the backup file was altered`,
      });
    }
  };
}

const corrupt = (what: string) =>
  new AppError('BACKUP_CORRUPT', { message: `not a Strongroom backup file (${what})` });

/** Parses and checks a manifest's JSON; throws BACKUP_CORRUPT naming what is wrong. */
export function parseManifest(json: Buffer): BackupManifest {
  let value: Partial<BackupManifest>;
  try {
    value = JSON.parse(json.toString('utf8')) as Partial<BackupManifest>;
  } catch {
    throw corrupt('manifest is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw corrupt('manifest');
  if (value.format !== 'strongroom-backup' || value.version !== 1 || value.database !== 'sqlite')
    throw corrupt('format');
  if (typeof value.key_id !== 'string' || typeof value.salt !== 'string') throw corrupt('key_id');
  if (Buffer.from(value.salt, 'base64url').length !== 32) throw corrupt('salt');
  if (value.chunk_bytes !== CHUNK_BYTES) throw corrupt('chunk_bytes');
  if (!Array.isArray(value.migrations) || !value.migrations.every((m) => typeof m === 'string'))
    throw corrupt('migrations');
  const audit = value.audit;
  if (typeof audit !== 'object' || audit === null || !Number.isSafeInteger(audit.seq) || audit.seq < 0)
    throw corrupt('audit');
  if (typeof audit.hash !== 'string') throw corrupt('audit');
  const files = value.files;
  if (!Array.isArray(files) || files.length === 0 || files[0]?.name !== 'strongroom.db')
    throw corrupt('files');
  const names = new Set<string>();
  for (const entry of files) {
    if (!ENTRY_NAMES.has(entry.name) || names.has(entry.name)) throw corrupt('files');
    if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw corrupt('files');
    names.add(entry.name);
  }
  if (typeof value.created_at !== 'string' || typeof value.strongroom_version !== 'string')
    throw corrupt('created_at');
  return value as BackupManifest;
}
