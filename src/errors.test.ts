import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, ERRORS, type ErrorCode, isAppError } from './errors.js';

const CODES = Object.keys(ERRORS) as ErrorCode[];

describe('AppError', () => {
  it('takes status and message from the one table, for every code', () => {
    for (const code of CODES) {
      const error = new AppError(code);
      expect(error.status).toBe(ERRORS[code].status);
      expect(error.message).toBe(ERRORS[code].message);
      expect(isAppError(error, code)).toBe(true);
    }
  });

  it('changes no global state when constructed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CODES), fc.integer({ min: 0, max: 50 }), (code, limit) => {
        const before = Error.stackTraceLimit;
        Error.stackTraceLimit = limit;
        try {
          new AppError(code, { field: 'body.x' });
          expect(Error.stackTraceLimit).toBe(limit);
        } finally {
          Error.stackTraceLimit = before;
        }
      }),
    );
  });
});
