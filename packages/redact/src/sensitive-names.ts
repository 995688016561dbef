/**
 * Names of fields and query parameters that carry credentials or regulated personal data.
 *
 * A name is sensitive when, lower-cased with separators removed, it is one of a fixed list (`Access-Token`,
 * `access_token` and `accesstoken` are the same name), or when its words (split at case changes, `_`, `-`,
 * digits and brackets, plural "s" dropped) contain one of a shorter list of unambiguous words: `newPassword`,
 * `user[password]`, `db_password_2`. The word rule is stricter for URLs than for log fields: refusing a
 * request over `page_token` would break pagination, while hiding `nextPageToken` in a log costs little.
 * Every step is linear in the length of the name: this runs before authentication on every query parameter name.
 * Choice: names longer than `MAX_WORD_RULE_LENGTH` get the whole-name check only (one linear pass; the word rules
 * allocate per word) and their verdicts are not remembered. No real field or parameter name is that long, so
 * `<300 characters>_password` is let through by name; its value is still scanned for secret shapes.
 * Not addressed: names in other languages, or secrets under innocuous names; string values are still scanned
 * for secret shapes by the callers.
 */

/** Longest name (and bracketed part of a name) the word rules are applied to. */
export const MAX_WORD_RULE_LENGTH = 256;

function compact(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The lower-case words of a name, split at case changes, separators and digits; exported for tests. */
export function wordsOf(name: string): string[] {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      // `APIKey` → `API Key`. A lookahead, not `([A-Z]+)([A-Z][a-z])`, whose backtracking is quadratic in a run of
      // capitals.
      .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1 ')
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((word) => word.length > 0)
      .map((word) =>
        word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
      )
  );
}

interface NameRules {
  readonly exact: ReadonlySet<string>;
  /** Word runs, indexed by their first word so a name is scanned once, not once per run. */
  readonly runsByFirstWord: ReadonlyMap<string, readonly (readonly string[])[]>;
}

/** Both lists are space-separated names, in any of the spellings `compact` and `wordsOf` accept. */
function rules(exact: string, words: string): NameRules {
  const runsByFirstWord = new Map<string, string[][]>();
  for (const run of words.split(/\s+/).map(wordsOf)) {
    const [first] = run;
    if (first !== undefined) runsByFirstWord.set(first, [...(runsByFirstWord.get(first) ?? []), run]);
  }
  return { exact: new Set(exact.split(/\s+/).map(compact)), runsByFirstWord };
}

function matches(name: string, { exact, runsByFirstWord }: NameRules, useWords: boolean): boolean {
  if (exact.has(compact(name))) return true;
  if (!useWords) return false;
  const nameWords = wordsOf(name);
  for (const [start, word] of nameWords.entries()) {
    for (const run of runsByFirstWord.get(word) ?? []) {
      if (run.every((runWord, k) => nameWords[start + k] === runWord)) return true;
    }
  }
  return false;
}

const KEY_RULES = rules(
  // Whole names.
  'password passwd pwd new_password current_password password_hash passphrase token ' +
    'access_token refresh_token id_token secret client_secret api_key apikey key authorization ' +
    'cookie set-cookie x-api-key credential credentials ssn card_number private_key master_key ' +
    'otp totp passcode cvv cvc security_code share shares key_share unseal_key',
  // Words anywhere in a name. `key` alone is absent on purpose: `primaryKey` and `sortKey` are not secrets.
  'password passwd pwd passphrase token secret api_key apikey authorization cookie credential ' +
    'ssn card_number private_key master_key access_key secret_key passcode cvv cvc security_code ' +
    'credit_card social_security key_share unseal_key',
);

const PARAM_RULES = rules(
  // Whole names.
  'password passwd pwd pass token access_token refresh_token id_token auth authorization ' +
    'api_key apikey key secret client_secret session session_id sessionid jwt bearer credential ' +
    'credentials ssn card card_number cc cvv pan private_key auth_token x_auth_token session_token ' +
    'secret_key app_secret access_key api_token x_amz_security_token x_amz_signature signature otp totp ' +
    'pin pin_code passcode pw cvc security_code credit_card ccnum cc_number social_security_number',
  // Words anywhere in a name; not `token`, `session` or `key`: `page_token` and `sort_key` are fine in URLs.
  'password passwd passphrase access_token refresh_token id_token api_key apikey ' +
    'client_secret private_key session_id card_number ssn cvv jwt bearer auth_token session_token ' +
    'secret_key app_secret access_key api_token security_token signature otp totp passcode cvc ' +
    'security_code credit_card social_security',
);

// Log lines repeat the same few field names; remembering the verdicts keeps redaction off the request hot path.
const keyVerdicts = new Map<string, boolean>();
const MAX_REMEMBERED_KEYS = 10_000;

/** True when a field named `name` holds a secret and its value must be hidden whatever it looks like. */
export function isSensitiveKeyName(name: string): boolean {
  // Long names are not remembered: a few hostile keys must not pin megabytes of memory.
  if (name.length > MAX_WORD_RULE_LENGTH) return matches(name, KEY_RULES, false);
  let verdict = keyVerdicts.get(name);
  if (verdict === undefined) {
    verdict = matches(name, KEY_RULES, true);
    if (keyVerdicts.size >= MAX_REMEMBERED_KEYS) keyVerdicts.clear();
    keyVerdicts.set(name, verdict);
  }
  return verdict;
}

/**
 * True when a query parameter named `name`, or any part of it, must never be sent in a URL. Parts are split at
 * brackets and dots alike (`filter[token]`, `filter.token`, `user.password`): servers fold both forms into nested
 * objects (Strongroom's own query parser does), so both must be judged the same way.
 */
export function isSensitiveParamName(name: string): boolean {
  if (name.length === 0) return false;
  const useWords = name.length <= MAX_WORD_RULE_LENGTH;
  if (matches(name, PARAM_RULES, useWords)) return true;
  if (!/[[\].]/.test(name)) return false;
  return name
    .split(/[[\].]/)
    .filter((part) => part.length > 0 && part !== name)
    .some((part) => matches(part, PARAM_RULES, useWords));
}
