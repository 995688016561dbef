/**
 * Shapes of third-party credentials and regulated data that @strongroom/redact does not look for (it hides what
 * Strongroom itself may log): cloud and SaaS keys, IBANs and `password=`-style pairs.
 *
 * Invariants: every pattern is anchored on a fixed prefix or a bounded quantifier and has no nested unbounded
 * quantifiers, so it runs in linear time per start; each detector has a cheap `hint` that text without a match
 * fails, so most log lines cost one `test` per detector. Candidates with a checksum are validated (IBAN mod-97 and
 * country format through ibantools).
 * Not addressed: AWS secret keys and other hex or base64 secrets with no prefix are found only next to a name
 * that says what they are (`aws_secret_access_key=…`, `password: …`).
 */
import { isSensitiveKeyName } from '@strongroom/redact';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { LogRuleKey } from './log-rules.js';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface LogDetector {
  readonly rule: LogRuleKey;
  readonly hint: RegExp;
  readonly find: (text: string) => Span[];
}

/** Spans of whole matches (or of capture group 1 when the pattern has one) that `accept` keeps. */
function spansOf(pattern: RegExp, accept: (value: string) => boolean = () => true) {
  return (text: string): Span[] => {
    const spans: Span[] = [];
    for (const match of text.matchAll(pattern)) {
      const value = match[1] ?? match[0];
      const start = match.index + (match[1] === undefined ? 0 : match[0].lastIndexOf(value));
      if (accept(value)) spans.push({ start, end: start + value.length });
    }
    return spans;
  };
}

const AWS_ACCESS_KEY = /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Z0-9])/g;
const AWS_SECRET_KEY =
  /aws_?(?:secret|sec)[\w.-]{0,20}["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
const GITHUB_TOKEN =
  /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g;
const SLACK_TOKEN = /(?<![A-Za-z0-9])xox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{8,200}/g;
const SLACK_WEBHOOK =
  /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/g;
const STRIPE_KEY = /(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9])/g;
const GOOGLE_API_KEY = /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g;
const NPM_TOKEN = /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g;
const SENDGRID_KEY = /(?<![A-Za-z0-9_])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
/** OpenAI keys carry `T3BlbkFJ` (base64 of "OpenAI"); Anthropic keys start `sk-ant-api03-` or `sk-ant-admin01-`. */
const AI_API_KEY =
  /(?<![A-Za-z0-9_-])(?:sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}|sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,120})(?![A-Za-z0-9_-])/g;
/** The password of `scheme://user:password@host` (database URLs, proxies, Basic auth in a URL). */
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{0,128}:([^\s/@]{1,256})@[A-Za-z0-9[]/gi;

/** Country code, check digits, then 11–30 alphanumerics, ungrouped or printed in groups of four. */
const IBAN =
  /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![A-Za-z0-9])/g;

/**
 * `name=value`, `name: value`, `"name":"value"` (JSON lines) and `?name=value&` with a sensitive name. The value
 * runs to a quote, whitespace or a separator (a JSON escape is part of it). A name starts only where a word does
 * (the lookbehind), so the name part is tried once per word, not once per character.
 */
const PAIR =
  /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]{0,63})["']?[ \t]*[:=][ \t]*(["']?)((?:\\.|[^\s"'&,;}\\]){1,512})/g;

/**
 * Every name `isSensitiveKeyName` accepts holds one of these (its whole-name and word lists, packages/redact),
 * followed somewhere by a separator: most log lines (`status=200 ms=12`) fail this and skip the pair scan.
 */
const PAIR_HINT =
  /(?:pass|pwd|token|secret|key|auth|cookie|credential|ssn|card|otp|cvv|cvc|code|share|social).*[:=]/i;

/** Values that are a placeholder, an auth scheme or a number, not a credential. */
const NOT_A_SECRET =
  /^(?:\**|x+|•+|\[?(?:redacted|hidden|masked|filtered)\]?|<[^>]*>|\$\{[^}]*\}?|\$[A-Z_]+|%[sd]|null|none|undefined|true|false|bearer|basic|digest|\d+)$/i;
/** Names that are sensitive as log fields but ordinary words in text (`cache key=…`, `share=2`). */
const GENERIC_NAMES = new Set(['key', 'share', 'shares', 'authorization', 'cookie', 'set-cookie']);

function findPairs(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(PAIR)) {
    const [whole, name = '', , value = ''] = match;
    if (GENERIC_NAMES.has(name.toLowerCase()) || !isSensitiveKeyName(name)) continue;
    if (value.length < 4 || NOT_A_SECRET.test(value)) continue;
    const start = match.index + whole.length - value.length;
    spans.push({ start, end: start + value.length });
  }
  return spans;
}

/** The password of each credential URL, unless it is a placeholder (`user:***@`, `user:${PASSWORD}@`). */
function findUrlPasswords(text: string): Span[] {
  return spansOf(URL_CREDENTIALS, (password) => !NOT_A_SECRET.test(password))(text);
}

const isIban = (candidate: string): boolean => {
  const electronic = electronicFormatIBAN(candidate);
  return electronic !== null && isValidIBAN(electronic);
};

/** Most specific first: when two detectors find the same text, the earlier one names the finding. */
export const EXTRA_DETECTORS: readonly LogDetector[] = Object.freeze([
  { rule: 'awsAccessKey', hint: /A(?:KIA|SIA|BIA|CCA|3T)/, find: spansOf(AWS_ACCESS_KEY) },
  { rule: 'awsSecretKey', hint: /aws_?sec/i, find: spansOf(AWS_SECRET_KEY) },
  { rule: 'githubToken', hint: /gh[pousr]_|github_pat_/, find: spansOf(GITHUB_TOKEN) },
  { rule: 'slackWebhook', hint: /hooks\.slack\.com/, find: spansOf(SLACK_WEBHOOK) },
  { rule: 'slackToken', hint: /xox[abposr]-/, find: spansOf(SLACK_TOKEN) },
  { rule: 'stripeKey', hint: /[sr]k_(?:live|test)_/, find: spansOf(STRIPE_KEY) },
  { rule: 'googleApiKey', hint: /AIza/, find: spansOf(GOOGLE_API_KEY) },
  { rule: 'npmToken', hint: /npm_/, find: spansOf(NPM_TOKEN) },
  { rule: 'sendgridKey', hint: /SG\./, find: spansOf(SENDGRID_KEY) },
  { rule: 'aiApiKey', hint: /sk-/, find: spansOf(AI_API_KEY) },
  { rule: 'urlCredentials', hint: /:\/\/[^\s]*:[^\s]*@/, find: findUrlPasswords },
  { rule: 'passwordPair', hint: PAIR_HINT, find: findPairs },
  { rule: 'iban', hint: /[A-Z]{2}\d\d/, find: spansOf(IBAN, isIban) },
] satisfies LogDetector[]);
