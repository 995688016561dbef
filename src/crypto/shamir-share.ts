/**
 * Printable Shamir share format: `srs1-<index>-<threshold>-<payload>-<crc32>`.
 *   index      1–255, the share's position in its split (for people: "share 3"); not the x coordinate
 *   threshold  2–255, how many shares the split needs
 *   payload    55 base64url characters: the library's 33-byte share (32 bytes of y, then the x coordinate) followed
 *              by the 8-byte key check value of the secret (same in every share of one secret)
 *   crc32      8 lowercase hex digits, CRC-32 of everything before the last '-'
 * Invariants: parsing is strict (exact length, canonical base64url, decimal without leading zeros), so one string
 * has one meaning. Threats addressed: typos and truncation when a share is copied by hand or pasted (the CRC catches
 * every single-character slip and adjacent swap — bursts of ≤ 32 bits — and anything else with odds 1 − 2^−32),
 * and mixing shares of different secrets (check values differ).
 * Not addressed: deliberate forgery — the CRC is not a MAC; a forged share is caught only when combining, by the
 * key check value (see `shamir.ts`).
 */
import { crc32 } from 'node:zlib';
import { shamirError } from './shamir-error.js';

/** Bytes of one library share for a 32-byte secret: 32 y bytes + 1 x byte. */
export const SHARE_BYTES = 33;
/** Bytes of the key check value carried by every share. */
export const KCV_BYTES = 8;

const PREFIX = 'srs1';
const PAYLOAD_CHARS = Math.ceil(((SHARE_BYTES + KCV_BYTES) * 4) / 3);
const SHARE_PATTERN = new RegExp(
  `^${PREFIX}-([1-9]\\d{0,2})-([1-9]\\d{0,2})-([A-Za-z0-9_-]{${PAYLOAD_CHARS}})-([0-9a-f]{8})$`,
);

/** One decoded share. */
export interface ParsedShare {
  readonly index: number;
  readonly threshold: number;
  readonly share: Uint8Array;
  readonly kcv: Buffer;
}

function checksumOf(head: string): string {
  return crc32(head).toString(16).padStart(8, '0');
}

/** Encodes one share as a printable, checksummed string. */
export function formatShare(parts: ParsedShare): string {
  if (parts.share.length !== SHARE_BYTES || parts.kcv.length !== KCV_BYTES) {
    throw shamirError('SHAMIR_INVALID_ARGUMENT', 'share or key check value has the wrong length');
  }
  const payload = Buffer.concat([parts.share, parts.kcv]).toString('base64url');
  const head = `${PREFIX}-${parts.index}-${parts.threshold}-${payload}`;
  return `${head}-${checksumOf(head)}`;
}

/** Decodes a share string; SHAMIR_SHARE_MALFORMED for a bad shape, SHAMIR_SHARE_CHECKSUM for a typo. */
export function parseShare(text: string, position = 1): ParsedShare {
  const match = typeof text === 'string' ? SHARE_PATTERN.exec(text.trim()) : null;
  if (!match) throw shamirError('SHAMIR_SHARE_MALFORMED', `share ${position} is not a Strongroom share`);
  const [, indexText = '', thresholdText = '', payloadText = '', checksum = ''] = match;
  const head = `${PREFIX}-${indexText}-${thresholdText}-${payloadText}`;
  if (checksumOf(head) !== checksum) {
    throw shamirError('SHAMIR_SHARE_CHECKSUM', `share ${position} has a bad checksum (mistyped?)`);
  }
  const index = Number(indexText);
  const threshold = Number(thresholdText);
  const payload = Buffer.from(payloadText, 'base64url');
  if (index > 255 || threshold < 2 || threshold > 255 || payload.toString('base64url') !== payloadText) {
    throw shamirError('SHAMIR_SHARE_MALFORMED', `share ${position} is not a Strongroom share`);
  }
  return {
    index,
    threshold,
    share: new Uint8Array(payload.subarray(0, SHARE_BYTES)),
    kcv: Buffer.from(payload.subarray(SHARE_BYTES)),
  };
}
