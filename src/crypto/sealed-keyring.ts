/**
 * The sealed keyring file: what a server needs to recognize its root key when operators bring back k of n Shamir
 * shares, and nothing that would let anyone recover the key without them.
 *
 * File (JSON, mode 0600, created once and never overwritten):
 *   format, version    "strongroom-sealed-keyring", 1
 *   threshold, shares  k and n of the split
 *   created_at         RFC 3339
 *   share_check        the 8-byte key check value every share of this keyring carries (see `shamir.ts`), base64url:
 *                      lets the server refuse a share of another keyring as soon as it arrives
 *   check              HMAC-SHA-256(HKDF(root, "strongroom/keyring-check"), the fields above), base64url: proves a
 *                      recovered key is this keyring's root key, and that the file's fields were not altered
 * Invariants: the root key exists only in memory (random 32 bytes from `randomBytes`, split, then zeroed here);
 * the file never holds the key, a share or anything derived from the key except the two check values; the file is
 * written to a temporary file, flushed, then hard-linked into place, so it appears complete or not at all, and an
 * existing keyring is never replaced (losing it would make every share useless). Parsing is strict.
 * Threats addressed: a typo or a share of another keyring yielding a wrong root key; a tampered threshold or share
 * count (the check fails and unsealing is refused); a keyring file readable or writable by other users (refused).
 * Not addressed: an attacker who can replace the file with their own keyring can unseal with their own shares, but
 * the data, sealed under the real root key, stays closed to them; the check values let a share holder test a guess of
 * the whole 256-bit key offline, which is hopeless for a uniformly random key.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../errors.js';
import { deriveKey, hmacSha256 } from './kdf.js';
import { splitSecret } from './shamir.js';
import { KCV_BYTES, parseShare } from './shamir-share.js';

const FORMAT = 'strongroom-sealed-keyring';
const VERSION = 1;
const CHECK_BYTES = 32;
const FIELDS = ['format', 'version', 'threshold', 'shares', 'created_at', 'share_check', 'check'] as const;

/** The parsed keyring file: public metadata and check values only. */
export interface SealedKeyring {
  readonly file: string;
  readonly threshold: number;
  readonly shares: number;
  readonly createdAt: string;
  /** Key check value carried by every share of this keyring. */
  readonly shareCheck: Buffer;
  readonly check: Buffer;
}

function checkValue(root: Buffer, fields: Omit<SealedKeyring, 'file' | 'check'>): Buffer {
  const message = [
    `${FORMAT}/v${VERSION}`,
    String(fields.threshold),
    String(fields.shares),
    fields.createdAt,
    fields.shareCheck.toString('base64url'),
  ].join('\n');
  return hmacSha256(deriveKey(root, 'strongroom/keyring-check', 32), message);
}

/** True when `root` is this keyring's root key (constant-time). */
export function isKeyringRootKey(keyring: Omit<SealedKeyring, 'file'>, root: Buffer): boolean {
  if (root.length !== 32) return false;
  return timingSafeEqual(checkValue(root, keyring), keyring.check);
}

function isCount(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function decodeExact(value: unknown, bytes: number): Buffer | null {
  if (typeof value !== 'string') return null;
  const decoded = Buffer.from(value, 'base64url');
  return decoded.length === bytes && decoded.toString('base64url') === value ? decoded : null;
}

/** Parses keyring file text; throws CONFIG_KEYRING_INVALID with a message naming the file, never its content. */
export function parseSealedKeyring(file: string, text: string): SealedKeyring {
  const invalid = (message = `sealed keyring file ${file} is not a valid Strongroom keyring`) =>
    new AppError('CONFIG_KEYRING_INVALID', { field: 'keyringFile', message });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid();
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid();
  const record = data as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  if (keys.join() !== [...FIELDS].sort().join()) throw invalid();
  if (record.format !== FORMAT) throw invalid();
  if (record.version !== VERSION) {
    throw invalid(
      `sealed keyring file ${file} has version ${String(record.version)}; this server reads ${VERSION}`,
    );
  }
  const { shares, threshold, created_at: createdAt } = record;
  if (!isCount(shares, 2, 255) || !isCount(threshold, 2, shares)) throw invalid();
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) throw invalid();
  const shareCheck = decodeExact(record.share_check, KCV_BYTES);
  const check = decodeExact(record.check, CHECK_BYTES);
  if (shareCheck === null || check === null) throw invalid();
  return Object.freeze({ file, threshold, shares, createdAt, shareCheck, check });
}

/**
 * Reads and checks the keyring file; refuses a missing file (CONFIG_FILE_MISSING, pointing at `operator init`) or a
 * file others can use (CONFIG_FILE_INSECURE).
 */
export async function readSealedKeyring(file: string): Promise<SealedKeyring> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new AppError('CONFIG_FILE_MISSING', {
      field: 'keyringFile',
      message: `sealed keyring file ${file} does not exist; create it with: strongroom operator init --shares 5 --threshold 3`,
    });
  }
  // Ownership and mode bits mean nothing on platforms without getuid (Windows).
  if (process.getuid !== undefined && (mode & 0o077) !== 0) {
    throw new AppError('CONFIG_FILE_INSECURE', {
      field: 'keyringFile',
      message: `sealed keyring file ${file} is accessible by other users; run: chmod 600 ${file}`,
    });
  }
  return parseSealedKeyring(file, await readFile(file, 'utf8'));
}

/** Writes `text` as a new file: complete or absent, mode 0600, never replacing an existing file (EEXIST). */
async function writeNewFile(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.chmod(0o600);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // link(2) fails if the target exists, unlike rename(2): a keyring that appeared meanwhile is kept.
    await link(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; that only weakens durability.
  }
}

/**
 * Creates a keyring: a random root key (or `options.root`), split into `shares` shares of which `threshold` unseal; writes the file and
 * returns the shares, the only time they exist outside their holders. Refuses if the file exists (KEYRING_EXISTS).
 */
export async function initSealedKeyring(
  file: string,
  options: { shares: number; threshold: number; clock?: () => number; root?: Buffer },
): Promise<{ keyring: SealedKeyring; shares: string[] }> {
  // `operator migrate` brings the new root key (it reseals the data with it first); it zeroes it itself.
  const root = options.root ?? randomBytes(32);
  if (root.length !== 32) {
    throw new AppError('CRYPTO_INVALID_ARGUMENT', { message: 'root key must be 32 bytes' });
  }
  try {
    const shares = await splitSecret(root, options.shares, options.threshold);
    const first = parseShare(shares[0] ?? '');
    const fields = {
      threshold: options.threshold,
      shares: options.shares,
      createdAt: new Date((options.clock ?? Date.now)()).toISOString(),
      shareCheck: first.kcv,
    };
    const check = checkValue(root, fields);
    const body = {
      format: FORMAT,
      version: VERSION,
      threshold: fields.threshold,
      shares: fields.shares,
      created_at: fields.createdAt,
      share_check: fields.shareCheck.toString('base64url'),
      check: check.toString('base64url'),
    };
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    try {
      await writeNewFile(file, `${JSON.stringify(body, null, 2)}\n`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new AppError('KEYRING_EXISTS', {
          field: 'keyringFile',
          message: `sealed keyring file ${file} already exists; it is never overwritten`,
        });
      }
      throw error;
    }
    return { keyring: Object.freeze({ file, ...fields, check }), shares };
  } finally {
    if (options.root === undefined) root.fill(0);
  }
}
