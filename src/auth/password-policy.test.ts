import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, isAppError } from '../errors.js';
import { createPasswordPolicy } from './password-policy.js';

const policy = createPasswordPolicy({ minLength: 8 });
const STRONG_PREFIX = 'Xk9#mQ2$vL7!pR4'; // 15 ASCII bytes

function rejection(password: string, context?: Parameters<typeof policy.check>[1]): unknown {
  try {
    policy.check(password, context);
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectRejected(
  password: string,
  code: ErrorCode,
  context?: Parameters<typeof policy.check>[1],
): void {
  const error = rejection(password, context);
  expect(isAppError(error, code), `${code} for ${password.slice(0, 40)}`).toBe(true);
  if (isAppError(error)) {
    expect(error.field).toBe(context?.field ?? 'password');
    if (password !== '') expect(error.message).not.toContain(password);
  }
}

describe('createPasswordPolicy', () => {
  it.each([7, 0, -1, 8.5, Number.NaN, 257])('refuses minLength %s, naming passwordMinLength', (minLength) => {
    expect(() => createPasswordPolicy({ minLength })).toThrow(
      expect.objectContaining({ code: 'CONFIG_OUT_OF_RANGE', field: 'passwordMinLength' }),
    );
  });

  it('accepts good passwords and passphrases', () => {
    for (const password of [
      'correct horse battery staple',
      randomBytes(12).toString('base64url'),
      'Tr0ub4dor&3 zebra',
      'ceci n’est pas un mot de passe',
    ]) {
      expect(rejection(password, { username: 'alice' })).toBeUndefined();
    }
  });

  it('refuses passwords shorter than minLength', () => {
    expectRejected('k7#Qm9!', 'PASSWORD_TOO_SHORT');
    expectRejected('', 'PASSWORD_TOO_SHORT');
    const longer = createPasswordPolicy({ minLength: 15 });
    expect(() => longer.check('k7#Qm9!zR2@vX5')).toThrow(
      expect.objectContaining({ code: 'PASSWORD_TOO_SHORT' }),
    );
    expect(() => longer.check('k7#Qm9!zR2@vX5$')).not.toThrow();
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    const emoji = ['😀', '🔒', '🎉', '🚀', '🌈', '🍕', '🎸', '🐙'];
    expect(emoji.slice(0, 7).join('')).toHaveLength(14);
    expectRejected(emoji.slice(0, 7).join(''), 'PASSWORD_TOO_SHORT');
    expect(rejection(emoji.join(''))).toBeUndefined();
  });

  it('accepts exactly 1024 UTF-8 bytes and refuses 1025', () => {
    const exact = `${STRONG_PREFIX}z${'é'.repeat(504)}`;
    expect(Buffer.byteLength(exact)).toBe(1024);
    expect(rejection(exact)).toBeUndefined();
    const over = `${STRONG_PREFIX}${'é'.repeat(505)}`;
    expect(Buffer.byteLength(over)).toBe(1025);
    expectRejected(over, 'PASSWORD_TOO_LONG');
    expectRejected(`${STRONG_PREFIX}${'€'.repeat(337)}`, 'PASSWORD_TOO_LONG');
    expectRejected('x'.repeat(100_000), 'PASSWORD_TOO_LONG');
  });

  it('measures the NFKC-normalised password', () => {
    // U+FDFA is 3 bytes but NFKC expands it to an 18-code-point phrase.
    const raw = `${STRONG_PREFIX}${'\uFDFA'.repeat(40)}`;
    expect(Buffer.byteLength(raw)).toBeLessThan(1024);
    expectRejected(raw, 'PASSWORD_TOO_LONG');
    // Four ligatures are four code points raw but nine after NFKC ('ffififlff').
    expect(isAppError(rejection('ﬃﬁﬂﬀ'), 'PASSWORD_TOO_SHORT')).toBe(false);
  });

  it('refuses common or easily guessed passwords', () => {
    for (const password of [
      'password1234',
      'qwertyuiopasdf',
      'P@ssw0rd1234',
      'aaaaaaaaaaaaaaaa',
      '1234567890123',
    ]) {
      expectRejected(password, 'PASSWORD_TOO_COMMON');
    }
  });

  it('refuses passwords that equal or contain the username, case-insensitively', () => {
    expectRejected('zebra-crumpet-9x', 'PASSWORD_TOO_COMMON', { username: 'zebra-crumpet-9x' });
    expectRejected('alice-secret-2024', 'PASSWORD_TOO_COMMON', { username: 'alice' });
    expectRejected('xxALICExxQ7#pz', 'PASSWORD_TOO_COMMON', { username: 'Alice' });
    expect(rejection('alice-secret-2024', { username: 'bob' })).toBeUndefined();
  });

  it('reports the field the caller names', () => {
    expectRejected('k7#Qm', 'PASSWORD_TOO_SHORT', { field: 'new_password' });
    expectRejected('password1234', 'PASSWORD_TOO_COMMON', { field: 'new_password', username: 'alice' });
  });
});
