import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { matchesResource, parseResourcePath, parseResourcePattern } from './resource-pattern.js';

function matches(pattern: string, path: string): boolean {
  const segments = parseResourcePath(path);
  if (segments === null) throw new Error('test path is invalid');
  return matchesResource(parseResourcePattern(pattern, 'p'), segments);
}

describe('matchesResource', () => {
  it.each([
    ['collections/patients/fields/ssn', 'collections/patients/fields/ssn', true],
    ['collections/patients/fields/ssn', 'collections/patients/fields/SSN', false],
    ['collections/patients/fields/ssn', 'collections/patients/fields', false],
    ['collections/patients/fields', 'collections/patients/fields/ssn', false],
    ['collections/*/fields/*', 'collections/patients/fields/ssn', true],
    ['collections/*/fields/*', 'collections/patients/fields', false],
    ['collections/*/fields/*', 'collections/a/b/fields/ssn', false],
    ['collections/patients/**', 'collections/patients/fields/ssn', true],
    ['collections/patients/**', 'collections/patients/records', true],
    ['collections/patients/**', 'collections/patients', false],
    ['collections/patients/**', 'collections/invoices/fields/x', false],
    ['collections/*/**', 'collections/x/y', true],
    ['**', 'audit', true],
    ['*', 'audit', true],
    ['*', 'audit/2026', false],
  ])('%s vs %s → %s', (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected);
  });
});

describe('parseResourcePattern', () => {
  it.each([
    ['', 'is empty'],
    ['collections/**/fields', '** not last'],
    ['collections/pat*/fields', 'partial wildcard'],
    ['collections//fields', 'empty segment'],
    ['/collections', 'leading slash'],
    ['collections/', 'trailing slash'],
    ['collections/../audit', 'dot-dot'],
    ['collections/***', 'triple star'],
    ['collections/a b', 'space'],
  ])('rejects %j (%s)', (pattern) => {
    let error: unknown;
    try {
      parseResourcePattern(pattern, 'roles.x.rules[0].resources[0]');
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as { field: string }).field).toBe('roles.x.rules[0].resources[0]');
  });

  it('rejects a non-string pattern', () => {
    expect(() => parseResourcePattern(42, 'p')).toThrow();
  });
});

describe('parseResourcePath', () => {
  it.each(['', 'a/*/b', 'a/**', 'a//b', '../a', 'a/.', `${'a/'.repeat(64)}a`, 7, null])(
    'rejects %j',
    (path) => {
      expect(parseResourcePath(path)).toBeNull();
    },
  );

  it('accepts ids with dashes, dots, colons and @', () => {
    expect(parseResourcePath('collections/p/records/3f2c-9a.1:x@y')).toEqual([
      'collections',
      'p',
      'records',
      '3f2c-9a.1:x@y',
    ]);
  });
});
