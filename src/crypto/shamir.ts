/**
 * Shamir secret sharing of 32-byte keys (e.g. the master key), for recovery by a quorum of key holders.
 * The arithmetic is the audited `shamir-secret-sharing` library (Privy; GF(2^8), HashiCorp Vault's tables, random
 * x coordinates, coefficients from `crypto.randomBytes`); this module only validates, encodes and checks.
 *
 * Invariants:
 * - the secret is exactly 32 bytes; 2 ≤ threshold ≤ shares ≤ 255;
 * - every share carries the key check value KCV = HMAC-SHA-256(secret, "strongroom-kcv")[0..8) and the threshold;
 * - `combineShares` returns a secret only if its KCV matches the shares' (constant-time compare); otherwise it
 *   throws, so a wrong combination (shares of two splits, a forged or corrupted share) never yields a wrong key.
 * Threats addressed: fewer than `threshold` shares reveal nothing about the secret (Shamir's guarantee — below the
 * threshold we refuse before combining, with SHAMIR_TOO_FEW_SHARES); typos (CRC, see `shamir-share.ts`); mixing
 * shares of different secrets (SHAMIR_SHARES_INCONSISTENT) or of different splits of one secret
 * (SHAMIR_COMBINE_FAILED).
 * Not addressed: the KCV lets anyone holding a share test a guess of the whole secret offline — harmless for a
 * uniformly random 256-bit key, which is why only such keys are accepted (never split a password); a malicious
 * share holder can make recovery fail (detected, not corrected); where shares are stored, and zeroing memory
 * (best effort only: JS strings and library copies cannot be wiped).
 */
import { timingSafeEqual } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { hmacSha256 } from './kdf.js';
import { shamirError } from './shamir-error.js';
import { formatShare, KCV_BYTES, type ParsedShare, parseShare } from './shamir-share.js';

const SECRET_BYTES = 32;
const MAX_SHARES = 255;

function keyCheckValue(secret: Uint8Array): Buffer {
  return hmacSha256(Buffer.from(secret), 'strongroom-kcv').subarray(0, KCV_BYTES);
}

function isCount(n: unknown, min: number, max: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
}

/** Splits a 32-byte secret into `shares` printable shares, any `threshold` of which recover it. */
export async function splitSecret(secret: Buffer, shares: number, threshold: number): Promise<string[]> {
  if (!Buffer.isBuffer(secret) || secret.length !== SECRET_BYTES) {
    throw shamirError('SHAMIR_INVALID_ARGUMENT', `secret must be exactly ${SECRET_BYTES} bytes`);
  }
  if (!isCount(shares, 2, MAX_SHARES) || !isCount(threshold, 2, shares)) {
    throw shamirError('SHAMIR_INVALID_ARGUMENT', 'need 2 <= threshold <= shares <= 255');
  }
  const copy = new Uint8Array(secret);
  try {
    const kcv = keyCheckValue(copy);
    const raw = await split(copy, shares, threshold);
    return raw.map((share, i) => formatShare({ index: i + 1, threshold, share, kcv }));
  } finally {
    copy.fill(0);
  }
}

function assertConsistent(parsed: readonly ParsedShare[]): ParsedShare {
  const [first] = parsed;
  if (!first) throw shamirError('SHAMIR_TOO_FEW_SHARES', 'no shares given');
  const seen = new Set<number>();
  for (const p of parsed) {
    if (seen.has(p.index)) throw shamirError('SHAMIR_SHARE_DUPLICATE', `share ${p.index} was given twice`);
    seen.add(p.index);
    if (p.threshold !== first.threshold || !timingSafeEqual(p.kcv, first.kcv)) {
      throw shamirError('SHAMIR_SHARES_INCONSISTENT', 'shares do not belong to the same secret');
    }
  }
  if (parsed.length < first.threshold) {
    throw shamirError(
      'SHAMIR_TOO_FEW_SHARES',
      `${first.threshold} shares are needed, ${parsed.length} given`,
    );
  }
  return first;
}

/** Recovers the secret from at least `threshold` shares of one split; throws rather than return a wrong key. */
export async function combineShares(shares: string[]): Promise<Buffer> {
  if (!Array.isArray(shares) || shares.length > MAX_SHARES) {
    throw shamirError('SHAMIR_INVALID_ARGUMENT', 'shares must be an array of at most 255 strings');
  }
  const parsed = shares.map((text, i) => parseShare(text, i + 1));
  const first = assertConsistent(parsed);
  let secret: Uint8Array;
  try {
    secret = await combine(parsed.map((p) => p.share));
  } catch {
    throw shamirError('SHAMIR_COMBINE_FAILED', 'shares do not combine to the secret');
  }
  const result = Buffer.from(secret);
  secret.fill(0);
  if (result.length !== SECRET_BYTES || !timingSafeEqual(keyCheckValue(result), first.kcv)) {
    result.fill(0);
    throw shamirError('SHAMIR_COMBINE_FAILED', 'shares do not combine to the secret');
  }
  return result;
}
