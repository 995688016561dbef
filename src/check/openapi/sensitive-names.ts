/**
 * Which property and parameter names hold secrets or personal data, for the OpenAPI rules. Credentials in URLs
 * use @strongroom/redact's `isSensitiveParamName` (the list Strongroom's own URL guard refuses), so the check
 * flags exactly what Strongroom would refuse; the property lists here are narrower: a bare `token` or `key` is
 * often a pagination cursor or a primary key, and names like `secretName`, `apiKeyId` or `tokenType` hold no
 * secret. Named bearer credentials (`apiKey`, `access_token`, `refreshToken`, `clientSecret`) are secrets: a
 * response that issues one once is a deliberate exception its authors acknowledge, not something to hide here.
 */
import { isSensitiveParamName } from '@strongroom/redact';

/** Lower-case words of a name (`clientSecret`, `client_secret`, `CLIENT-SECRET` → client, secret). */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1 ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'passcode', 'cvv', 'cvc']);
/** Bearer credentials under their usual names (`apiKey`, `access_token`, `refreshToken`, `X-Api-Token`…). */
const SECRET_RUNS = [
  ['private', 'key'],
  ['security', 'code'],
  ['master', 'key'],
  ['pin'],
  ['api', 'key'],
  ['apikey'],
  ['api', 'token'],
  ['access', 'token'],
  ['refresh', 'token'],
  ['id', 'token'],
  ['auth', 'token'],
  ['bearer', 'token'],
  ['session', 'token'],
  ['access', 'key'],
];
/** Words after a secret word that make the name about the secret, not the secret (`secretName`, `passwordHint`). */
const ABOUT_WORDS = new Set([
  'id',
  'ids',
  'name',
  'names',
  'type',
  'count',
  'hint',
  'policy',
  'length',
  'strength',
  'set',
  'required',
  'changed',
  'updated',
  'created',
  'expires',
  'expiry',
  'expiration',
  'at',
  'version',
  'ref',
  'url',
  'uri',
  'path',
  'file',
  'algorithm',
  'scheme',
  'rules',
  'reset',
  'enabled',
  'status',
  'age',
  'last',
  'manager',
  'check',
  'checks',
  'auth',
  'verification',
  'verified',
  'result',
  'supported',
  'mode',
  'format',
  'collection',
  'options',
  'settings',
  'config',
  'provided',
  'present',
  'prefix',
  'suffix',
  'domain',
  'country',
  'sent',
  'last4',
  'registrar',
  'scanning',
  'protection',
  'category',
  'alert',
  'alerts',
  'lifetime',
  'ttl',
  'fingerprint',
]);

function hasRun(words: readonly string[], run: readonly string[]): number {
  for (let i = 0; i + run.length <= words.length; i++) {
    if (run.every((word, k) => words[i + k] === word)) return i + run.length;
  }
  return -1;
}

/** True for a property that holds a password or secret (`password`, `clientSecret`, `privateKey`, `cvv`). */
export function isSecretPropertyName(name: string): boolean {
  const words = wordsOf(name);
  const runs = [...[...SECRET_WORDS].map((word) => [word]), ...SECRET_RUNS];
  for (const run of runs) {
    const end = hasRun(words, run);
    if (end === -1) continue;
    const after = words[end];
    if (after === undefined || !ABOUT_WORDS.has(after)) return true;
  }
  return false;
}

/** Regulated personal data, by severity: identity and payment data first, contact data after. */
const PII_HIGH_RUNS = [
  ['ssn'],
  ['social', 'security'],
  ['card', 'number'],
  ['pan'],
  ['iban'],
  ['account', 'number'],
  ['passport'],
  ['tax', 'id'],
  ['national', 'id'],
  ['date', 'of', 'birth'],
  ['dob'],
  ['birth', 'date'],
  ['birthdate'],
  ['credit', 'card'],
  ['driver', 'license'],
  ['routing', 'number'],
];
const PII_CONTACT_RUNS = [['email'], ['e', 'mail'], ['phone'], ['phone', 'number'], ['mobile']];

/** `identity` (SSN, card, IBAN, birth date…), `contact` (e-mail, phone) or null. */
export function personalDataKind(name: string): 'identity' | 'contact' | null {
  const words = wordsOf(name);
  const about = (run: readonly string[]) => {
    const end = hasRun(words, run);
    return end !== -1 && !ABOUT_WORDS.has(words[end] ?? '');
  };
  if (PII_HIGH_RUNS.some(about)) return 'identity';
  if (PII_CONTACT_RUNS.some(about)) return 'contact';
  return null;
}

/** True for a query or path parameter that carries a credential (Strongroom's URL guard refuses these). */
export function isCredentialParamName(name: string): boolean {
  return isSensitiveParamName(name);
}
