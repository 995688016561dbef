import { AppError } from '../errors.js';

/**
 * A VALIDATION_FAILED error naming the offending `path` in a policy document (e.g. `roles.nurse.rules[0].effect`);
 * `problem` must never quote a value from the document.
 */
export function invalidPolicy(path: string, problem: string): AppError {
  return new AppError('VALIDATION_FAILED', { field: path, message: `${path} ${problem}` });
}

const PRINTABLE_KEY = /^[A-Za-z0-9_.$-]{1,64}$/;

/** A key name fit for an error message: unusual keys (control characters, very long) are not echoed. */
export function describeKey(key: string): string {
  return PRINTABLE_KEY.test(key) ? `"${key}"` : '(unprintable key)';
}
