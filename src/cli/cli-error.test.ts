import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeError, maskQuoted } from './cli-error.js';

describe('describeError on errors from libraries', () => {
  it('masks what a library quoted, e.g. a header value holding an API key', () => {
    const key = 'srk_0123456789abcdefghijABCDEFGHIJ0123456789abc\nzz';
    const error = new TypeError(`Headers.append: "${key}" is an invalid header value.`);
    const { message } = describeError(error);
    expect(message).toBe('Headers.append: "…" is an invalid header value.');
  });

  it('never repeats a double-quoted value, whatever it holds, and keeps single-quoted paths', () => {
    fc.assert(
      fc.property(
        fc.string().filter((value) => !value.includes('"')),
        (value) => {
          expect(maskQuoted(`failed on "${value}" here`)).toBe('failed on "…" here');
        },
      ),
    );
    expect(maskQuoted("ENOENT: no such file or directory, open '/etc/ca.pem'")).toContain("'/etc/ca.pem'");
  });
});
