import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  isSensitiveKeyName,
  isSensitiveParamName,
  MAX_WORD_RULE_LENGTH,
  wordsOf,
} from './sensitive-names.js';

describe('isSensitiveKeyName', () => {
  it.each([
    'password',
    'Password',
    'PASSWD',
    'pwd',
    'new_password',
    'currentPassword',
    'password-hash',
    'token',
    'access_token',
    'refreshToken',
    'id_token',
    'secret',
    'client_secret',
    'api_key',
    'apiKey',
    'APIKey',
    'key',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'x-api-key',
    'ssn',
    'card_number',
    'cardNumber',
    'private_key',
    'masterKey',
    'accesstoken',
    'passwords',
    'userPassword',
    'share',
    'shares',
    'unsealKey',
    'key_shares',
    'db_password_2',
    'nextPageToken',
    'credentials',
  ])('hides %s', (name) => {
    expect(isSensitiveKeyName(name)).toBe(true);
  });

  it.each([
    'primaryKey',
    'sortKey',
    'keys_count',
    'username',
    'id',
    'className',
    'businessName',
    'passport',
    'cursor',
    'email',
    'status',
  ])('keeps %s', (name) => {
    expect(isSensitiveKeyName(name)).toBe(false);
  });
});

describe('isSensitiveParamName', () => {
  it.each([
    'password',
    'passwd',
    'pwd',
    'pass',
    'token',
    'access_token',
    'Access-Token',
    'refresh-token',
    'id_token',
    'auth',
    'authorization',
    'api_key',
    'apikey',
    'api-key',
    'key',
    'secret',
    'client_secret',
    'session',
    'sessionid',
    'session_id',
    'jwt',
    'bearer',
    'credential',
    'credentials',
    'ssn',
    'card',
    'card_number',
    'cc',
    'cvv',
    'pan',
    'private_key',
    'newPassword',
    'user[password]',
    'filter[token]',
    'filter.token',
    'filter.secret',
    'user.password',
    'x_api_key',
    'jwt_token',
  ])('refuses %s', (name) => {
    expect(isSensitiveParamName(name)).toBe(true);
  });

  it.each([
    'limit',
    'cursor',
    'page_token',
    'sort_key',
    'session_count',
    'q',
    'fields',
    'passport',
    'cardinality',
  ])('allows %s', (name) => {
    expect(isSensitiveParamName(name)).toBe(false);
  });
});

/** The spellings clients use for one name: as written, upper case, snake, kebab and camel case. */
function spellings(name: string): string[] {
  const words = name.split(/[-_]/);
  const camel = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1))).join('');
  return [...new Set([name, name.toUpperCase(), words.join('_'), words.join('-'), camel])];
}

describe('credential parameter names', () => {
  const refused = [
    'auth_token',
    'authToken',
    'x-auth-token',
    'session_token',
    'sessionToken',
    'secret_key',
    'app_secret',
    'access_key',
    'accessKey',
    'apiToken',
    'api-token',
    'X-Amz-Security-Token',
    'X-Amz-Signature',
    'signature',
    'otp',
    'totp',
    'pin',
    'passcode',
    'pw',
    'cvc',
    'security_code',
    'credit_card',
    'ccnum',
    'social_security_number',
  ];

  it.each(refused.flatMap(spellings))('refuses %s', (name) => {
    expect(isSensitiveParamName(name)).toBe(true);
    expect(isSensitiveParamName(`filter[${name}]`)).toBe(true);
    // The dotted form names the same nested field to servers that fold it (Strongroom's parser does).
    expect(isSensitiveParamName(`filter.${name}`)).toBe(true);
  });

  it.each([
    'page_token',
    'pageToken',
    'next_page_token',
    'nextPageToken',
    'sort_key',
    'sortKey',
    'cursor',
    'limit',
    'q',
    'pinned',
    'spin',
    'signed_at',
  ])('still allows %s', (name) => {
    expect(isSensitiveParamName(name)).toBe(false);
  });

  it('hides the same names in logs, except the ambiguous short ones', () => {
    for (const name of ['authToken', 'secret_key', 'accessKey', 'otp', 'passcode', 'cvc', 'security_code']) {
      expect(isSensitiveKeyName(name), name).toBe(true);
    }
    expect(isSensitiveKeyName('creditCardNumber')).toBe(true);
    expect(isSensitiveKeyName('social_security_number')).toBe(true);
  });
});

describe('wordsOf', () => {
  it.each([
    ['APIKey', ['api', 'key']],
    ['HTMLParserURL', ['html', 'parser', 'url']],
    ['XMLHttpRequest', ['xml', 'http', 'request']],
    ['newPassword2', ['new', 'password']],
    ['X-Amz-Security-Token', ['x', 'amz', 'security', 'token']],
    ['user[passwords]', ['user', 'password']],
    ['ABC', ['abc']],
  ])('splits %s', (name, words) => {
    expect(wordsOf(name)).toEqual(words);
  });
});

describe('hostile names', () => {
  // A backtracking split of a run of capitals is quadratic: 64 000 of them took 5–9 s. Linear work takes a few ms;
  // the bound is generous so a busy CI machine cannot fail it, and still far below the quadratic cost.
  it('are split in linear time', () => {
    const started = performance.now();
    wordsOf('A'.repeat(64_000));
    wordsOf(`${'Ab'.repeat(32_000)}`);
    wordsOf(`${'AB1'.repeat(21_000)}`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('are checked in linear time', () => {
    const started = performance.now();
    for (const name of ['A'.repeat(64_000), 'a['.repeat(32_000), '_'.repeat(64_000)]) {
      isSensitiveParamName(name);
      isSensitiveKeyName(name);
    }
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it(`get only the whole-name check beyond ${MAX_WORD_RULE_LENGTH} characters`, () => {
    const padded = `${'x'.repeat(MAX_WORD_RULE_LENGTH)}_password`;
    expect(isSensitiveParamName(padded)).toBe(false);
    expect(isSensitiveKeyName(padded)).toBe(false);
    expect(isSensitiveParamName(`x${'_'.repeat(MAX_WORD_RULE_LENGTH)}password`)).toBe(false);
    expect(isSensitiveParamName(`${'_'.repeat(MAX_WORD_RULE_LENGTH)}password`)).toBe(true);
    expect(isSensitiveKeyName(`${'-'.repeat(MAX_WORD_RULE_LENGTH)}Pass-Word`)).toBe(true);
    expect(isSensitiveParamName(`${'_'.repeat(MAX_WORD_RULE_LENGTH - 9)}_password`)).toBe(true);
  });
});
