import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode, isAppError } from '../errors.js';
import { createPasswordPolicy } from './password-policy.js';
import { createStrengthScorer } from './password-strength.js';

// In-thread scoring: the worker answers the same scores (strength-worker.test.ts).
const scorer = createStrengthScorer();
const score = async (password: string, userInputs: readonly string[]) => scorer(password, userInputs);
const policy = createPasswordPolicy({ minLength: 8, score });
const STRONG_PREFIX = 'Xk9#mQ2$vL7!pR4'; // 15 ASCII bytes

async function rejection(password: string, context?: Parameters<typeof policy.check>[1]): Promise<unknown> {
  try {
    await policy.check(password, context);
  } catch (error) {
    return error;
  }
  return undefined;
}

async function expectRejected(
  password: string,
  code: ErrorCode,
  context?: Parameters<typeof policy.check>[1],
): Promise<void> {
  const error = await rejection(password, context);
  expect(isAppError(error, code), `${code} for ${password.slice(0, 40)}`).toBe(true);
  if (isAppError(error)) {
    expect(error.field).toBe(context?.field ?? 'password');
    if (password !== '') expect(error.message).not.toContain(password);
  }
}

describe('createPasswordPolicy', () => {
  it.each([7, 0, -1, 8.5, Number.NaN, 257])('refuses minLength %s, naming passwordMinLength', (minLength) => {
    expect(() => createPasswordPolicy({ minLength, score })).toThrow(
      expect.objectContaining({ code: 'CONFIG_OUT_OF_RANGE', field: 'passwordMinLength' }),
    );
  });

  it('accepts good passwords and passphrases', async () => {
    for (const password of [
      'correct horse battery staple',
      randomBytes(12).toString('base64url'),
      'Tr0ub4dor&3 zebra',
      'ceci n’est pas un mot de passe',
    ]) {
      expect(await rejection(password, { username: 'alice' })).toBeUndefined();
    }
  });

  it('refuses passwords shorter than minLength', async () => {
    await expectRejected('k7#Qm9!', 'PASSWORD_TOO_SHORT');
    await expectRejected('', 'PASSWORD_TOO_SHORT');
    const longer = createPasswordPolicy({ minLength: 15, score });
    await expect(longer.check('k7#Qm9!zR2@vX5')).rejects.toMatchObject({ code: 'PASSWORD_TOO_SHORT' });
    await expect(longer.check('k7#Qm9!zR2@vX5$')).resolves.toBeUndefined();
  });

  it('counts Unicode code points, not UTF-16 units', async () => {
    const emoji = ['😀', '🔒', '🎉', '🚀', '🌈', '🍕', '🎸', '🐙'];
    expect(emoji.slice(0, 7).join('')).toHaveLength(14);
    await expectRejected(emoji.slice(0, 7).join(''), 'PASSWORD_TOO_SHORT');
    expect(await rejection(emoji.join(''))).toBeUndefined();
  });

  it('accepts exactly 1024 UTF-8 bytes and refuses 1025', async () => {
    const exact = `${STRONG_PREFIX}z${'é'.repeat(504)}`;
    expect(Buffer.byteLength(exact)).toBe(1024);
    expect(await rejection(exact)).toBeUndefined();
    const over = `${STRONG_PREFIX}${'é'.repeat(505)}`;
    expect(Buffer.byteLength(over)).toBe(1025);
    await expectRejected(over, 'PASSWORD_TOO_LONG');
    await expectRejected(`${STRONG_PREFIX}${'€'.repeat(337)}`, 'PASSWORD_TOO_LONG');
    await expectRejected('x'.repeat(100_000), 'PASSWORD_TOO_LONG');
  });

  it('measures the NFKC-normalised password', async () => {
    // U+FDFA is 3 bytes but NFKC expands it to an 18-code-point phrase.
    const raw = `${STRONG_PREFIX}${'\uFDFA'.repeat(40)}`;
    expect(Buffer.byteLength(raw)).toBeLessThan(1024);
    await expectRejected(raw, 'PASSWORD_TOO_LONG');
    // Four ligatures are four code points raw but nine after NFKC ('ffififlff').
    expect(isAppError(await rejection('ﬃﬁﬂﬀ'), 'PASSWORD_TOO_SHORT')).toBe(false);
  });

  it('refuses common or easily guessed passwords', async () => {
    for (const password of [
      'password1234',
      'qwertyuiopasdf',
      'P@ssw0rd1234',
      'aaaaaaaaaaaaaaaa',
      '1234567890123',
    ]) {
      await expectRejected(password, 'PASSWORD_TOO_COMMON');
    }
  });

  it('refuses passwords that equal or contain the username, case-insensitively', async () => {
    await expectRejected('zebra-crumpet-9x', 'PASSWORD_TOO_COMMON', { username: 'zebra-crumpet-9x' });
    await expectRejected('alice-secret-2024', 'PASSWORD_TOO_COMMON', { username: 'alice' });
    await expectRejected('xxALICExxQ7#pz', 'PASSWORD_TOO_COMMON', { username: 'Alice' });
    expect(await rejection('alice-secret-2024', { username: 'bob' })).toBeUndefined();
  });

  it('reports the field the caller names', async () => {
    await expectRejected('k7#Qm', 'PASSWORD_TOO_SHORT', { field: 'new_password' });
    await expectRejected('password1234', 'PASSWORD_TOO_COMMON', { field: 'new_password', username: 'alice' });
  });

  it('scores only passwords that pass the cheap checks, and refuses one whose score came too late', async () => {
    const scored: string[] = [];
    const late = createPasswordPolicy({
      minLength: 8,
      score: async (password) => {
        scored.push(password);
        throw new AppError('PASSWORD_CHECK_TIMEOUT');
      },
    });
    await expect(late.check('short', { field: 'new_password' })).rejects.toMatchObject({
      code: 'PASSWORD_TOO_SHORT',
    });
    await expect(late.check('alice-is-here-9', { username: 'alice' })).rejects.toMatchObject({
      code: 'PASSWORD_TOO_COMMON',
    });
    expect(scored).toEqual([]);
    await expect(late.check('Xk9#mQ2$vL7!pR4', { field: 'new_password' })).rejects.toMatchObject({
      code: 'PASSWORD_CHECK_TIMEOUT',
      field: 'new_password',
    });
    expect(scored).toHaveLength(1);
  });
});
