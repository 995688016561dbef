/**
 * Detectors for secret-shaped values in free text: what the redactor hides from logs and the URL guard refuses.
 *
 * Each detector is a global pattern that finds candidates plus a validator that keeps only real matches (a JWT
 * header that is JSON, a token checksum, a Luhn digit, an issuable SSN), so ordinary ids, timestamps and
 * numbers are left alone.
 * Invariants:
 * - every pattern runs in time linear in the input (no nested unbounded quantifiers that can backtrack
 *   against each other), so hostile input cannot stall logging or request handling;
 * - `findSecrets` returns sorted, non-overlapping spans whose union covers every span any detector accepted:
 *   hiding them all never leaves part of a secret visible.
 * Not addressed: secrets with no recognisable shape (plain passwords, hex keys); those are hidden by key name
 * (`isSensitiveKeyName`) or kept out of free text by the code that handles them.
 */
import { Buffer } from 'node:buffer';
import { CARD_CANDIDATE_PATTERN, findCardNumbersInRun, type Span } from './card-number.js';
import { isOpaqueToken, OPAQUE_TOKEN_PATTERN } from './opaque-token-format.js';
import { isValidPrintedSsn, SSN_PATTERN } from './ssn.js';

export type { Span } from './card-number.js';

export type DetectorName =
  | 'private_key'
  | 'jwt'
  | 'strongroom_token'
  | 'shamir_share'
  | 'bearer'
  | 'basic'
  | 'card_number'
  | 'ssn'
  | 'email';

export interface Detector {
  readonly name: DetectorName;
  /** Finds candidates; global. Callers get a fresh copy per scan, so its `lastIndex` is never shared. */
  readonly pattern: RegExp;
  /** Spans, relative to a candidate, that are real secrets; empty to reject the whole candidate. */
  readonly validate: (candidate: string) => readonly Span[];
  /**
   * A cheap test every match must pass (not global): text without it is not scanned. Redaction runs on every
   * string of every log line, and most strings hold no digit run, no `@` and no token prefix.
   */
  readonly hint?: RegExp;
}

export interface SecretMatch {
  readonly detector: DetectorName;
  readonly start: number;
  readonly end: number;
}

/** PEM private keys of any kind; an unterminated block runs to the end of the text (truncated logs). */
const PRIVATE_KEY_PATTERN =
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY(?: BLOCK)?-----|$)/g;

/** JWE compact (5 segments) or JWS compact (3 segments, signature may be empty), header first. */
const JWT_PATTERN = /(?<![\w-])eyJ[\w-]+\.(?:[\w-]*\.[\w-]*\.[\w-]+\.[\w-]*|[\w-]+\.[\w-]*)/g;

/**
 * Strongroom Shamir key shares (`shamir-share.ts`). Hidden even with a bad checksum: a mistyped share is still
 * almost all of a share.
 */
const SHAMIR_SHARE_PATTERN = /srs1-[1-9]\d{0,2}-[1-9]\d{0,2}-[A-Za-z0-9_-]{55}-[0-9a-f]{8}/g;

/** RFC 6750 b64token after the scheme name, which is case-insensitive. */
const BEARER_PATTERN = /\bbearer[ \t]+[A-Za-z0-9\-._~+/]+=*/gi;

/** RFC 7617 credentials after the scheme name: base64 of `user-id:password`. */
const BASIC_PATTERN = /\bbasic[ \t]+[A-Za-z0-9+/]+=*/gi;

const EMAIL_PATTERN = /(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-])/g;

const whole = (candidate: string): Span[] => [{ start: 0, end: candidate.length }];
const wholeIf = (isSecret: boolean, candidate: string): Span[] => (isSecret ? whole(candidate) : []);

function hasJsonObjectHeader(candidate: string): boolean {
  const header = candidate.slice(0, candidate.indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Only the credential is hidden; a plain word ("bearer of bad news", "Bearer token") is not a credential. */
function bearerCredential(candidate: string): Span[] {
  const credential = candidate.replace(/^bearer[ \t]+/i, '');
  if (credential.length < 6 || /^[A-Za-z][a-z]*$/.test(credential)) return [];
  return [{ start: candidate.length - credential.length, end: candidate.length }];
}

/**
 * Only the credential is hidden, and only when it is canonical base64 of printable text holding a colon, as
 * every client sends it: "Basic setup" or "basic auth" is prose, not a credential.
 */
function basicCredential(candidate: string): Span[] {
  const credential = candidate.replace(/^basic[ \t]+/i, '');
  const unpadded = credential.replace(/=+$/, '');
  if (unpadded.length < 4) return [];
  const decoded = Buffer.from(unpadded, 'base64');
  if (decoded.toString('base64').replace(/=+$/, '') !== unpadded) return [];
  const text = decoded.toString('utf8');
  if (!text.includes(':') || /[\p{Cc}\uFFFD]/u.test(text)) return [];
  return [{ start: candidate.length - credential.length, end: candidate.length }];
}

/** All detectors, most specific first: when spans tie, the earlier detector names the match. */
export const DETECTORS: readonly Detector[] = Object.freeze(
  [
    { name: 'private_key', pattern: PRIVATE_KEY_PATTERN, validate: whole, hint: /-----BEGIN / },
    {
      name: 'jwt',
      pattern: JWT_PATTERN,
      validate: (c: string) => wholeIf(hasJsonObjectHeader(c), c),
      hint: /eyJ/,
    },
    {
      name: 'strongroom_token',
      pattern: new RegExp(OPAQUE_TOKEN_PATTERN, 'g'),
      validate: (c: string) => wholeIf(isOpaqueToken(c), c),
      hint: /sr[kr]_/,
    },
    { name: 'shamir_share', pattern: SHAMIR_SHARE_PATTERN, validate: whole, hint: /srs1-/ },
    { name: 'bearer', pattern: BEARER_PATTERN, validate: bearerCredential, hint: /bearer/i },
    { name: 'basic', pattern: BASIC_PATTERN, validate: basicCredential, hint: /basic/i },
    // Every card number (ungrouped, or grouped with a 4-digit first group) and every SSN holds 4 digits in a row.
    { name: 'card_number', pattern: CARD_CANDIDATE_PATTERN, validate: findCardNumbersInRun, hint: /\d{4}/ },
    {
      name: 'ssn',
      pattern: SSN_PATTERN,
      validate: (c: string) => wholeIf(isValidPrintedSsn(c), c),
      hint: /\d{4}/,
    },
    { name: 'email', pattern: EMAIL_PATTERN, validate: whole, hint: /@/ },
  ].map((detector) => Object.freeze(detector as Detector)),
);

// One private global copy per detector, compiled once: this runs on every string of every log line. Scans are
// synchronous and validators never scan, so resetting `lastIndex` before each use is enough.
const scanners = new WeakMap<Detector, RegExp>();

function scannerFor(detector: Detector): RegExp {
  let scanner = scanners.get(detector);
  if (scanner === undefined) {
    const flags = detector.pattern.flags.includes('g')
      ? detector.pattern.flags
      : `${detector.pattern.flags}g`;
    scanner = new RegExp(detector.pattern.source, flags);
    scanners.set(detector, scanner);
  }
  return scanner;
}

/** Finds secret-shaped values in `text`: sorted, non-overlapping spans (overlapping matches are merged). */
export function findSecrets(text: string, detectors: readonly Detector[] = DETECTORS): SecretMatch[] {
  const found: Array<SecretMatch & { rank: number }> = [];
  for (const [rank, detector] of detectors.entries()) {
    if (detector.hint !== undefined && !detector.hint.test(text)) continue;
    const pattern = scannerFor(detector);
    pattern.lastIndex = 0;
    let match = pattern.exec(text);
    while (match !== null) {
      for (const span of detector.validate(match[0])) {
        if (span.end > span.start) {
          found.push({
            detector: detector.name,
            start: match.index + span.start,
            end: match.index + span.end,
            rank,
          });
        }
      }
      if (match[0].length === 0) pattern.lastIndex++;
      match = pattern.exec(text);
    }
  }
  return mergeOverlapping(found);
}

function mergeOverlapping(found: Array<SecretMatch & { rank: number }>): SecretMatch[] {
  found.sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank);
  const merged: SecretMatch[] = [];
  for (const { detector, start, end } of found) {
    const previous = merged.at(-1);
    if (previous !== undefined && start < previous.end) {
      if (end > previous.end) merged[merged.length - 1] = { ...previous, end };
      continue;
    }
    merged.push({ detector, start, end });
  }
  return merged;
}
