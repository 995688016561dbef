/**
 * Names of fields and query parameters that carry credentials or regulated personal data.
 *
 * A name is sensitive when, lower-cased with separators removed, it is one of a fixed list (`Access-Token`,
 * `access_token` and `accesstoken` are the same name), or when its words (split at case changes, `_`, `-`,
 * digits and brackets, plural "s" dropped) contain one of a shorter list of unambiguous words: `newPassword`,
 * `user[password]`, `db_password_2`. The word rule is stricter for URLs than for log fields: refusing a
 * request over `page_token` would break pagination, while hiding `nextPageToken` in a log costs little.
 * Not addressed: names in other languages, or secrets under innocuous names; string values are still scanned
 * for secret shapes by the callers.
 */

function compact(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((word) => word.length > 0)
    .map((word) =>
      word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
    );
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  for (let i = 0; i + run.length <= words.length; i++) {
    if (run.every((word, k) => words[i + k] === word)) return true;
  }
  return false;
}

interface NameRules {
  readonly exact: ReadonlySet<string>;
  readonly words: readonly (readonly string[])[];
}

/** Both lists are space-separated names, in any of the spellings `compact` and `wordsOf` accept. */
function rules(exact: string, words: string): NameRules {
  return { exact: new Set(exact.split(/\s+/).map(compact)), words: words.split(/\s+/).map(wordsOf) };
}

function matches(name: string, { exact, words }: NameRules): boolean {
  if (exact.has(compact(name))) return true;
  const nameWords = wordsOf(name);
  return words.some((run) => containsRun(nameWords, run));
}

const KEY_RULES = rules(
  // Whole names.
  'password passwd pwd new_password current_password password_hash passphrase token ' +
    'access_token refresh_token id_token secret client_secret api_key apikey key authorization ' +
    'cookie set-cookie x-api-key credential credentials ssn card_number private_key master_key',
  // Words anywhere in a name. `key` alone is absent on purpose: `primaryKey` and `sortKey` are not secrets.
  'password passwd pwd passphrase token secret api_key apikey authorization cookie credential ' +
    'ssn card_number private_key master_key',
);

const PARAM_RULES = rules(
  // Whole names.
  'password passwd pwd pass token access_token refresh_token id_token auth authorization ' +
    'api_key apikey key secret client_secret session session_id sessionid jwt bearer credential ' +
    'credentials ssn card card_number cc cvv pan private_key',
  // Words anywhere in a name; not `token`, `session` or `key`: `page_token` and `sort_key` are fine in URLs.
  'password passwd passphrase access_token refresh_token id_token api_key apikey ' +
    'client_secret private_key session_id card_number ssn cvv jwt bearer',
);

// Log lines repeat the same few field names; remembering the verdicts keeps redaction off the request hot path.
const keyVerdicts = new Map<string, boolean>();
const MAX_REMEMBERED_KEYS = 10_000;

/** True when a field named `name` holds a secret and its value must be hidden whatever it looks like. */
export function isSensitiveKeyName(name: string): boolean {
  let verdict = keyVerdicts.get(name);
  if (verdict === undefined) {
    verdict = matches(name, KEY_RULES);
    if (keyVerdicts.size >= MAX_REMEMBERED_KEYS) keyVerdicts.clear();
    keyVerdicts.set(name, verdict);
  }
  return verdict;
}

/** True when a query parameter named `name` (or any `[bracketed]` part of it) must never be sent in a URL. */
export function isSensitiveParamName(name: string): boolean {
  if (matches(name, PARAM_RULES)) return true;
  return name
    .split(/[[\]]/)
    .filter((part) => part.length > 0 && part !== name)
    .some((part) => matches(part, PARAM_RULES));
}
