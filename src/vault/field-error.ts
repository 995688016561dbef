import { AppError } from '../errors.js';

/** A VALIDATION_FAILED error for `field`; `problem` describes what is wrong and must never quote the value. */
export function invalidField(field: string, problem: string): AppError {
  return new AppError('VALIDATION_FAILED', { field, message: `${field} ${problem}` });
}
