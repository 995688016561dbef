/**
 * Errors for policy documents. Invariant: no message or `field` quotes a value from the document, nor a key the
 * client chose (a role name, a condition attribute, an unknown key) unless it passes the shared `isSafeName` rule;
 * any other key is named by its position among its object's keys (`$.roles[2]`, `condition[0]`), since a key can
 * hold a secret as easily as a value can.
 */
import { isSafeName } from '@strongroom/redact';
import { AppError } from '../errors.js';

/**
 * A VALIDATION_FAILED error naming the offending `path` in a policy document (e.g. `$.roles.nurse.rules[0].effect`);
 * `problem` must never quote a value from the document.
 */
export function invalidPolicy(path: string, problem: string): AppError {
  return new AppError('VALIDATION_FAILED', { field: path, message: `${path} ${problem}` });
}

/** The path of the `index`-th key of the object at `parent`: `parent.key` for a safe name, else `parent[index]`. */
export function keyPath(parent: string, key: string, index: number): string {
  return isSafeName(key) ? `${parent}.${key}` : `${parent}[${index}]`;
}

/** A key fit for a message: quoted when it is a safe name, else named by its position among its object's keys. */
export function describeKey(key: string, index: number): string {
  return isSafeName(key) ? `"${key}"` : `at position ${index}`;
}
