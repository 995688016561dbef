import { redactString } from '@strongroom/redact';
import { AppError } from '../errors.js';

/**
 * A VALIDATION_FAILED error naming the offending `path` in a policy document (e.g. `roles.nurse.rules[0].effect`);
 * `problem` must never quote a value from the document.
 */
export function invalidPolicy(path: string, problem: string): AppError {
  return new AppError('VALIDATION_FAILED', { field: path, message: `${path} ${problem}` });
}

const PRINTABLE_KEY = /^[A-Za-z0-9_.$-]{1,64}$/;

/** Whether a document key may appear in an error: printable, short, and not shaped like a secret or PII. */
function isEchoable(key: string): boolean {
  return PRINTABLE_KEY.test(key) && redactString(key) === key;
}

/** A key name fit for an error message: unusual or secret-looking keys are not echoed. */
export function describeKey(key: string): string {
  return isEchoable(key) ? `"${key}"` : '(unprintable key)';
}

/** A key as a path segment of an error's field: the key itself when it may be echoed, else a placeholder. */
export function pathSegment(key: string): string {
  return isEchoable(key) ? key : '(redacted)';
}
