import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateField, locateMessage, PURPOSE_HEADER } from './field-location.js';

const name = fc
  .stringMatching(/^[a-z_][a-z0-9_]{0,15}$/)
  .filter((n) => !['body', 'query', 'path', 'headers', 'purpose'].includes(n));
const rest = fc.array(fc.oneof(name, fc.nat({ max: 9 }).map(String)), { maxLength: 3 });

describe('locateField: logical names become request paths', () => {
  it('finds the top segment in the body, the query string or the path, in that order', () => {
    fc.assert(
      fc.property(name, rest, fc.constantFrom('body', 'query', 'params'), (top, tail, where) => {
        const field = [top, ...tail].join('.');
        const request = { body: {}, query: {}, params: {}, [where]: { [top]: 'x' } };
        const prefix = where === 'params' ? 'path' : where;
        expect(locateField(request, field)).toBe(`${prefix}.${field}`);
      }),
    );
  });

  it('leaves located names alone, and names the purpose header for `purpose`', () => {
    fc.assert(
      fc.property(fc.constantFrom('body', 'query', 'path', 'headers'), rest, (location, tail) => {
        const field = [location, ...tail].join('.');
        expect(locateField({ body: { [location]: 1 }, query: {}, params: {} }, field)).toBe(field);
      }),
    );
    for (const urlLocation of ['url', 'path:2', 'query:access_token'])
      expect(locateField({ body: undefined, query: {}, params: {} }, urlLocation)).toBe(urlLocation);
    expect(locateField({ body: { purpose: 1 }, query: {}, params: {} }, 'purpose')).toBe(
      `headers.${PURPOSE_HEADER}`,
    );
  });

  it('puts a value that was not sent where the request carries its input', () => {
    expect(locateField({ body: { a: 1 }, query: {}, params: {} }, 'password')).toBe('body.password');
    expect(locateField({ body: undefined, query: {}, params: {} }, 'cursor')).toBe('query.cursor');
    // Inherited keys are not the request's: `constructor` is on every object's prototype.
    expect(locateField({ body: undefined, query: {}, params: {} }, 'constructor')).toBe('query.constructor');
  });

  it('rewrites a message only where it starts with its field', () => {
    expect(locateMessage('cursor is not a valid cursor', 'cursor', 'query.cursor')).toBe(
      'query.cursor is not a valid cursor',
    );
    expect(locateMessage('The cursor is not valid', 'cursor', 'query.cursor')).toBe(
      'The cursor is not valid',
    );
    expect(locateMessage('cursors are x', 'cursor', 'query.cursor')).toBe('cursors are x');
  });
});
