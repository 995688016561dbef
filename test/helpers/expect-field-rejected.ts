import { expect } from 'vitest';
import { isAppError } from '../../src/errors.js';

/**
 * Asserts that `normalize(value, field)` refuses the value with VALIDATION_FAILED naming `field`, and that the
 * message echoes neither `echo` (the value as written, by default) nor, with `noDigitRuns`, any run of 4 digits.
 */
export function expectFieldRejected(
  normalize: (value: unknown, field: string) => unknown,
  value: unknown,
  field: string,
  options: { echo?: string; noDigitRuns?: boolean } = {},
): void {
  try {
    normalize(value, field);
  } catch (error) {
    expect(isAppError(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as { field?: string }).field).toBe(field);
    const message = (error as Error).message;
    const echo = options.echo ?? String(value);
    if (echo.length > 0) expect(message).not.toContain(echo);
    if (options.noDigitRuns === true) expect(message).not.toMatch(/\d{4}/);
    return;
  }
  expect.fail('expected VALIDATION_FAILED');
}
