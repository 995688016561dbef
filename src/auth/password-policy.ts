/**
 * Password policy for new passwords (NIST SP 800-63B §5.1.1.2, OWASP ASVS V2.1): length and guessability only.
 *
 * Protects: accounts against guessing, by refusing passwords an attacker would try early.
 * Invariants:
 * - lengths are measured on the NFKC-normalised password, the same string that is hashed: at least `minLength`
 *   (≥ 8) Unicode code points, at most 1024 UTF-8 bytes;
 * - no composition rules (NIST: they make passwords worse, not stronger); every character, spaces
 *   included, is allowed;
 * - refused: passwords zxcvbn scores below 3 (common-password and diceware lists, keyboard patterns, l33t, repeats,
 *   sequences, dates) and passwords that equal or contain the username (case-insensitive);
 * - errors carry a code and a field name, never the password.
 * Not addressed: breached-password corpora beyond zxcvbn's lists (e.g. HIBP); passwords reused across sites.
 * - the cheap checks (lengths, username) run first, on the calling thread; only a password that passes them is
 *   scored, by `score` (the strength worker in the server, strength-worker.ts: never zxcvbn on the event loop), and
 *   a score that could not be had in time is a refusal (PASSWORD_CHECK_TIMEOUT), never an acceptance.
 * Cost: zxcvbn looks at the first 64 code points with at most 20 l33t substitutions (password-strength.js), tens
 * of milliseconds per check. Longer passwords are judged by their first 64 code points.
 */
import { AppError, isAppError } from '../errors.js';
import { normalizePassword } from './password-hash.js';
import type { StrengthScore } from './strength-worker.js';

/** NIST SP 800-63B floor for the configurable minimum length. */
export const MIN_PASSWORD_LENGTH_FLOOR = 8;
/** Upper bound in UTF-8 bytes of the normalised password. */
export const MAX_PASSWORD_BYTES = 1024;

const MIN_SCORE = 3;
// A one- or two-letter username would forbid most passwords; zxcvbn still weighs it as a user input.
const MIN_USERNAME_CODE_POINTS_FOR_CONTAINMENT = 3;
// Bounds the work of normalising hostile input. NFKC composition shrinks a string at most ~4× in UTF-16 units
// (e.g. α + 3 combining marks → ᾇ), so nothing longer than this can normalise to 1024 bytes or fewer.
const MAX_RAW_UTF16_UNITS = 8 * MAX_PASSWORD_BYTES;

export interface PasswordPolicyOptions {
  /** Minimum length in Unicode code points (config `passwordMinLength`); at least 8. */
  minLength: number;
  /** The zxcvbn score of a normalised password (strength-worker.ts). */
  score: StrengthScore;
}

export interface PasswordCheckContext {
  /** Refuses passwords equal to or containing it, and feeds it to zxcvbn. */
  username?: string;
  /** Field path reported in the AppError; `password` by default. */
  field?: string;
  /** The user whose failed checks are counted (password-check-throttle.ts); none: the check is not throttled. */
  actorId?: string;
}

export interface PasswordPolicy {
  /**
   * Rejects with AppError PASSWORD_TOO_SHORT, PASSWORD_TOO_LONG, PASSWORD_TOO_COMMON or PASSWORD_CHECK_TIMEOUT
   * (naming the field), or SERVICE_BUSY; resolves if acceptable.
   */
  check(password: string, context?: PasswordCheckContext): Promise<void>;
}

/** Creates the policy; throws CONFIG_OUT_OF_RANGE (field `passwordMinLength`) if `minLength` is not 8 to 256. */
export function createPasswordPolicy(options: PasswordPolicyOptions): PasswordPolicy {
  const { minLength, score } = options;
  if (!Number.isSafeInteger(minLength) || minLength < MIN_PASSWORD_LENGTH_FLOOR || minLength > 256) {
    throw new AppError('CONFIG_OUT_OF_RANGE', {
      field: 'passwordMinLength',
      message: `passwordMinLength must be an integer from ${MIN_PASSWORD_LENGTH_FLOOR} to 256`,
    });
  }
  return {
    async check(password, context = {}) {
      const field = context.field ?? 'password';
      if (password.length > MAX_RAW_UTF16_UNITS) throw new AppError('PASSWORD_TOO_LONG', { field });
      const normalized = normalizePassword(password);
      if (Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES) {
        throw new AppError('PASSWORD_TOO_LONG', { field });
      }
      if (countCodePoints(normalized) < minLength) throw new AppError('PASSWORD_TOO_SHORT', { field });

      const username = normalizePassword(context.username ?? '').toLowerCase();
      if (username !== '' && containsUsername(normalized.toLowerCase(), username)) {
        throw new AppError('PASSWORD_TOO_COMMON', { field });
      }
      let strength: number;
      try {
        strength = await score(normalized, username === '' ? [] : [username]);
      } catch (error) {
        if (isAppError(error, 'PASSWORD_CHECK_TIMEOUT'))
          throw new AppError('PASSWORD_CHECK_TIMEOUT', { field });
        throw error;
      }
      if (strength < MIN_SCORE) throw new AppError('PASSWORD_TOO_COMMON', { field });
    },
  };
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function containsUsername(password: string, username: string): boolean {
  if (password === username) return true;
  return countCodePoints(username) >= MIN_USERNAME_CODE_POINTS_FOR_CONTAINMENT && password.includes(username);
}
