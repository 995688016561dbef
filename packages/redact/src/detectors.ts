/**
 * Detectors for secret-shaped values in free text: what the redactor hides from logs and the URL guard refuses.
 *
 * Each detector finds candidates (a pattern, or a dedicated scanner for JWTs) and keeps only real matches (a JWT
 * header that is JSON, a token checksum, a Luhn digit, an issuable SSN), so ordinary ids, timestamps and
 * numbers are left alone.
 * Invariants:
 * - no prefix hides a secret: a rejected candidate never consumes the text after its start (candidate-scan.ts),
 *   so a real secret right behind a decoy (a fake `srk_` prefix, a fake `eyJ…` segment, a 4-digit group before a
 *   card) is found. A secret's own boundaries still hold: a card number is not a slice of a longer digit run, an
 *   SSN not part of a longer run of groups with its separator, a card or SSN not glued to letters;
 * - bounded work: every pattern runs in time linear in the input per start position (no nested unbounded
 *   quantifiers that can backtrack against each other), and each scan examines at most `scanWorkLimit` candidate
 *   characters before it fails closed (the rest of the text counts as a secret), so hostile input cannot stall
 *   logging or request handling;
 * - `findSecrets` returns sorted, non-overlapping spans whose union covers every span any detector accepted:
 *   hiding them all never leaves part of a secret visible. `findEachSecret` keeps them apart, for callers that
 *   need each credential exactly (the plain-HTTP revoker).
 * Not addressed: secrets with no recognisable shape (plain passwords, hex keys); those are hidden by key name
 * (`isSensitiveKeyName`) or kept out of free text by the code that handles them.
 */
import { Buffer } from 'node:buffer';
import { type Span, scanCandidates } from './candidate-scan.js';
import { CARD_CANDIDATE_PATTERN, findCardNumbersInRun } from './card-number.js';
import { findJwts } from './jwt.js';
import { isOpaqueToken, OPAQUE_TOKEN_PATTERN } from './opaque-token-format.js';
import { isValidPrintedSsn, SSN_PATTERN } from './ssn.js';

export type { Span } from './candidate-scan.js';

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
  /** Spans of the secrets this detector finds in a text, possibly overlapping; never consumes text on a miss. */
  readonly find: (text: string) => readonly Span[];
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

/**
 * Strongroom Shamir key shares (`shamir-share.ts`). Hidden even with a bad checksum: a mistyped share is still
 * almost all of a share.
 */
const SHAMIR_SHARE_PATTERN = /srs1-[1-9]\d{0,2}-[1-9]\d{0,2}-[A-Za-z0-9_-]{55}-[0-9a-f]{8}/g;

/**
 * RFC 6750 b64token after the scheme name, which is case-insensitive. The name may follow anything but a letter
 * (`HTTP_AUTHORIZATION=Bearer …`, `_Bearer …`), so "forbearer" stays prose.
 */
const BEARER_PATTERN = /(?<![A-Za-z])bearer[ \t]+[A-Za-z0-9\-._~+/]+=*/gi;

/** RFC 7617 credentials after the scheme name: base64 of `user-id:password`. */
const BASIC_PATTERN = /(?<![A-Za-z])basic[ \t]+[A-Za-z0-9+/]+=*/gi;

const EMAIL_PATTERN = /(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-])/g;

const whole = (candidate: string): Span[] => [{ start: 0, end: candidate.length }];
const wholeIf = (isSecret: boolean, candidate: string): Span[] => (isSecret ? whole(candidate) : []);

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
    { name: 'private_key', find: scanCandidates(PRIVATE_KEY_PATTERN, whole), hint: /-----BEGIN / },
    { name: 'jwt', find: findJwts, hint: /eyJ/ },
    {
      name: 'strongroom_token',
      find: scanCandidates(new RegExp(OPAQUE_TOKEN_PATTERN, 'g'), (c) => wholeIf(isOpaqueToken(c), c)),
      hint: /sr[kr]_/,
    },
    { name: 'shamir_share', find: scanCandidates(SHAMIR_SHARE_PATTERN, whole), hint: /srs1-/ },
    { name: 'bearer', find: scanCandidates(BEARER_PATTERN, bearerCredential), hint: /bearer/i },
    { name: 'basic', find: scanCandidates(BASIC_PATTERN, basicCredential), hint: /basic/i },
    // Every card number (ungrouped, or grouped with a 4-digit first group) and every SSN holds 4 digits in a row.
    // Runs are maximal and the validator tries every group of a run, so runs need not overlap.
    {
      name: 'card_number',
      find: scanCandidates(CARD_CANDIDATE_PATTERN, findCardNumbersInRun, { overlapping: false }),
      hint: /\d{4}/,
    },
    {
      name: 'ssn',
      find: scanCandidates(SSN_PATTERN, (c) => wholeIf(isValidPrintedSsn(c), c)),
      hint: /\d{4}/,
    },
    { name: 'email', find: scanCandidates(EMAIL_PATTERN, whole), hint: /@/ },
  ].map((detector) => Object.freeze(detector as Detector)),
);

type RankedMatch = SecretMatch & { rank: number };

const ANY_HINTS = new WeakMap<readonly Detector[], RegExp | null>();

/**
 * One pattern that matches wherever any of the detectors' hints does (a case-insensitive union: it may match more,
 * never less), or null when some detector has no hint. Most strings match none, and are then answered by one test.
 */
function anyHintOf(detectors: readonly Detector[]): RegExp | null {
  let any = ANY_HINTS.get(detectors);
  if (any === undefined) {
    const hints = detectors.map((detector) => detector.hint);
    const isPlain = (hint: RegExp | undefined): hint is RegExp =>
      hint !== undefined && /^i?$/.test(hint.flags);
    any = hints.every(isPlain) ? new RegExp(hints.map((hint) => `(?:${hint.source})`).join('|'), 'i') : null;
    ANY_HINTS.set(detectors, any);
  }
  return any;
}

/** False only when no detector of `detectors` can match in `text` (none of their hints is in it): a cheap pre-test. */
export function mayHoldSecret(text: string, detectors: readonly Detector[] = DETECTORS): boolean {
  return anyHintOf(detectors)?.test(text) !== false;
}

function findRanked(text: string, detectors: readonly Detector[]): RankedMatch[] {
  const found: RankedMatch[] = [];
  if (!mayHoldSecret(text, detectors)) return found;
  for (let rank = 0; rank < detectors.length; rank++) {
    const detector = detectors[rank] as Detector;
    if (detector.hint !== undefined && !detector.hint.test(text)) continue;
    for (const { start, end } of detector.find(text)) {
      if (end > start) found.push({ detector: detector.name, start, end, rank });
    }
  }
  return found.sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank);
}

/** Finds secret-shaped values in `text`: sorted, non-overlapping spans (overlapping matches are merged). */
export function findSecrets(text: string, detectors: readonly Detector[] = DETECTORS): SecretMatch[] {
  const merged: SecretMatch[] = [];
  for (const { detector, start, end } of findRanked(text, detectors)) {
    const previous = merged.at(-1);
    if (previous !== undefined && start < previous.end) {
      if (end > previous.end) merged[merged.length - 1] = { ...previous, end };
      continue;
    }
    merged.push({ detector, start, end });
  }
  return merged;
}

/**
 * Every secret each detector finds in `text`, sorted by start, overlapping ones kept apart and duplicates
 * dropped: what a caller needs that acts on each credential itself (revoking it), not on the text.
 */
export function findEachSecret(text: string, detectors: readonly Detector[] = DETECTORS): SecretMatch[] {
  const seen = new Set<string>();
  const each: SecretMatch[] = [];
  for (const { detector, start, end } of findRanked(text, detectors)) {
    const key = `${detector}:${start}:${end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    each.push({ detector, start, end });
  }
  return each;
}
