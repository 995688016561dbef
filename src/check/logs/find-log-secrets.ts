/**
 * Every secret and piece of personal data in one piece of log text: the detectors of @strongroom/redact (the
 * same code that keeps them out of Strongroom's own logs, not a copy) plus the third-party shapes of
 * extra-detectors.ts.
 *
 * Invariants: each secret is reported once, under its most specific kind (a JWT after `Bearer ` is a `jwt`, a
 * Stripe key in `password=…` is a `stripe-key`); the spans to redact are the union of every detector's spans, so
 * hiding them never leaves part of a match visible, even where two kinds overlap.
 */
import { DETECTORS, type DetectorName, findEachSecret } from '@strongroom/redact';
import { EXTRA_DETECTORS, type Span } from './extra-detectors.js';
import type { LogRuleKey } from './log-rules.js';

export interface LogMatch {
  readonly rule: LogRuleKey;
  readonly start: number;
  readonly end: number;
}

const REDACT_RULES: Readonly<Record<DetectorName, LogRuleKey>> = {
  private_key: 'privateKey',
  jwt: 'jwt',
  strongroom_token: 'strongroomToken',
  shamir_share: 'keyShare',
  bearer: 'bearer',
  basic: 'basic',
  card_number: 'cardNumber',
  ssn: 'ssn',
  email: 'email',
};

/** Which kind names a secret that several detectors find: earlier is more specific. */
const PRIORITY: readonly LogRuleKey[] = [
  'privateKey',
  'jwt',
  'strongroomToken',
  'keyShare',
  'awsAccessKey',
  'awsSecretKey',
  'githubToken',
  'slackWebhook',
  'slackToken',
  'stripeKey',
  'googleApiKey',
  'npmToken',
  'sendgridKey',
  'aiApiKey',
  'urlCredentials',
  'bearer',
  'basic',
  'passwordPair',
  'cardNumber',
  'ssn',
  'iban',
  'email',
];
const RANK = new Map(PRIORITY.map((rule, index) => [rule, index]));

/**
 * Stricter pre-tests than the redactor's own hints (`\d{4}`), which nearly every log line passes through its
 * timestamp. Each is a superset of what the redactor accepts (card-number.ts, ssn.ts): a card starts a digit run
 * (or a group of one) with 13+ digits, and with 1 only at 15 digits, so millisecond timestamps (13 digits from 1)
 * fail; an SSN is three groups. Lines that fail skip those detectors; lines that pass get the full validation.
 */
const CARD_GATE = /(?<!\d)(?:[2-9](?:[ -]?\d){12}|1(?:[ -]?\d){14})/;
const SSN_GATE = /\d{3}([ -])\d\d\1\d{4}/;
const without = (...names: DetectorName[]) => DETECTORS.filter((d) => !names.includes(d.name));
const DETECTOR_SETS = {
  all: DETECTORS,
  noCard: without('card_number'),
  noSsn: without('ssn'),
  neither: without('card_number', 'ssn'),
} as const;

function detectorsFor(text: string) {
  const card = CARD_GATE.test(text);
  const ssn = SSN_GATE.test(text);
  if (card) return ssn ? DETECTOR_SETS.all : DETECTOR_SETS.noSsn;
  return ssn ? DETECTOR_SETS.noCard : DETECTOR_SETS.neither;
}

/** All matches of every detector, possibly overlapping. */
function allMatches(text: string): LogMatch[] {
  const matches: LogMatch[] = findEachSecret(text, detectorsFor(text)).map(({ detector, start, end }) => ({
    rule: REDACT_RULES[detector],
    start,
    end,
  }));
  for (const detector of EXTRA_DETECTORS) {
    if (!detector.hint.test(text)) continue;
    for (const span of detector.find(text)) matches.push({ rule: detector.rule, ...span });
  }
  return matches;
}

/** Merged, sorted spans covering every match. */
export function unionOf(matches: readonly Span[]): Span[] {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const { start, end } of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last.end) {
      if (end > last.end) merged[merged.length - 1] = { start: last.start, end };
    } else merged.push({ start, end });
  }
  return merged;
}

/** Secrets in `text`: one report per secret (most specific kind) and the spans a redacted copy must hide. */
export function findLogSecrets(text: string): { reported: LogMatch[]; hidden: Span[] } {
  const matches = allMatches(text);
  if (matches.length === 0) return { reported: [], hidden: [] };
  const ordered = [...matches].sort(
    (a, b) => a.start - b.start || (RANK.get(a.rule) ?? 0) - (RANK.get(b.rule) ?? 0) || b.end - a.end,
  );
  const reported: LogMatch[] = [];
  for (const match of ordered) {
    const last = reported.at(-1);
    // Sorted by start then specificity: an overlapping match is the same secret seen by a vaguer detector.
    if (last !== undefined && match.start < last.end) continue;
    reported.push(match);
  }
  return { reported, hidden: unionOf(matches) };
}

/** Characters of a match shown in a preview: only public prefixes that name the kind (`AKIA`, `ghp_`, `srk_`). */
const PREVIEW_PREFIX: Partial<Record<LogRuleKey, number>> = {
  strongroomToken: 4,
  keyShare: 4,
  awsAccessKey: 4,
  githubToken: 4,
  slackToken: 4,
  stripeKey: 7,
  googleApiKey: 4,
  npmToken: 4,
  sendgridKey: 3,
  aiApiKey: 6,
};

/** `AKIA…(20 chars)`: a preview that names the kind and length, never enough of the value to use or guess it. */
export function maskedPreview(rule: LogRuleKey, value: string): string {
  const shown = PREVIEW_PREFIX[rule] ?? 0;
  return `${value.slice(0, shown)}…(${value.length} chars)`;
}
