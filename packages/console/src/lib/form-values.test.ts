import { describe, expect, it } from 'vitest';
import { parseRoles, percentDone, toFieldValue } from './form-values.js';

describe('form values', () => {
  it('splits roles on commas and spaces, dropping empties and repeats', () => {
    expect(parseRoles('admin, auditor  user,,admin')).toEqual(['admin', 'auditor', 'user']);
    expect(parseRoles('  ')).toEqual([]);
  });

  it('types field inputs as their definition says, empty inputs left out', () => {
    expect(toFieldValue('integer', ' 42 ')).toBe(42);
    expect(toFieldValue('integer', '-7')).toBe(-7);
    expect(toFieldValue('integer', '4.2')).toBe('4.2');
    expect(toFieldValue('boolean', true)).toBe(true);
    expect(toFieldValue('boolean', false)).toBe(false);
    expect(toFieldValue('string', '')).toBeUndefined();
    expect(toFieldValue('ssn', '123-45-6789')).toBe('123-45-6789');
  });

  it('gives a job’s progress in whole percent, 100 for a finished empty job', () => {
    expect(percentDone({ done: 1, total: 3, status: 'running' })).toBe(33);
    expect(percentDone({ done: 3, total: 3, status: 'completed' })).toBe(100);
    expect(percentDone({ done: 0, total: 0, status: 'running' })).toBe(0);
    expect(percentDone({ done: 0, total: 0, status: 'completed' })).toBe(100);
    expect(percentDone({ done: 5, total: 3, status: 'running' })).toBe(100);
  });
});
