import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOpaqueToken as generateOpaqueToken } from '../test/opaque-tokens.js';
import { passesLuhn } from './luhn.js';
import { MAX_DEPTH, REDACTED, redactString, redactValue } from './redact-value.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

/** Visa-shaped 16-digit numbers with a valid Luhn check digit. */
const cardNumber = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }).map((body) => {
  const partial = `4${body.join('')}`;
  const check = [...'0123456789'].find((digit) => passesLuhn(partial + digit));
  return partial + check;
});

const token = fc.constantFrom('srk' as const, 'srr' as const).map((prefix) => generateOpaqueToken(prefix));

describe('redactString', () => {
  it('names the detector in place of each secret', () => {
    expect(redactString(`Bearer ${JWT} for 123-45-6789 <a@example.com>`)).toBe(
      'Bearer [REDACTED:jwt] for [REDACTED:ssn] <[REDACTED:email]>',
    );
    expect(redactString('nothing to see')).toBe('nothing to see');
  });

  it('is idempotent', () => {
    const once = redactString(`k=${generateOpaqueToken('srk')} card 4111 1111 1111 1111`);
    expect(redactString(once)).toBe(once);
  });

  it('never lets a generated token or card number through', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(token, cardNumber), fc.string(), (before, secret, after) => {
        expect(redactString(`${before} ${secret} ${after}`)).not.toContain(secret);
      }),
    );
  });
});

describe('redactValue', () => {
  it('hides the values of sensitive keys whatever their type', () => {
    const input = {
      user: 'alice',
      password: 'hunter2',
      Authorization: 'Basic YWxpY2U6aHVudGVyMg==',
      apiKey: { id: 1 },
      pin: 1234,
      headers: { 'set-cookie': ['sid=1'], 'X-API-KEY': 42, accept: 'json' },
      newPassword: null,
      hasPassword: true,
    };
    expect(redactValue(input)).toEqual({
      user: 'alice',
      password: REDACTED,
      Authorization: REDACTED,
      apiKey: REDACTED,
      pin: 1234,
      headers: { 'set-cookie': REDACTED, 'X-API-KEY': REDACTED, accept: 'json' },
      newPassword: null,
      hasPassword: true,
    });
  });

  it('redacts every string, including keys', () => {
    const key = generateOpaqueToken('srk');
    expect(redactValue({ [key]: [`token is ${key}`], note: 'mail a@example.com' })).toEqual({
      '[REDACTED:strongroom_token]': ['token is [REDACTED:strongroom_token]'],
      note: 'mail [REDACTED:email]',
    });
  });

  it('summarises errors with message and stack redacted, and no other properties', () => {
    const key = generateOpaqueToken('srk');
    const cause = new Error(`lookup failed for ${key}`);
    const error = Object.assign(new TypeError(`bad key ${key}`, { cause }), { code: 'E_KEY', detail: key });
    const out = redactValue(error) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['cause', 'code', 'message', 'stack', 'type']);
    expect(out).toMatchObject({
      type: 'TypeError',
      message: 'bad key [REDACTED:strongroom_token]',
      code: 'E_KEY',
    });
    expect(out.stack).toContain('TypeError: bad key [REDACTED:strongroom_token]');
    expect(out.cause).toMatchObject({
      type: 'Error',
      message: 'lookup failed for [REDACTED:strongroom_token]',
    });
    expect(JSON.stringify(out)).not.toContain(key);
  });

  it('marks cycles but copies shared references', () => {
    const shared = { n: 1 };
    const input: Record<string, unknown> = { a: shared, b: shared };
    input.self = input;
    expect(redactValue(input)).toEqual({ a: { n: 1 }, b: { n: 1 }, self: '[Circular]' });
  });

  it(`truncates below ${MAX_DEPTH} levels`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20; i++) deep = { next: deep };
    let out = redactValue(deep);
    let levels = 0;
    while (typeof out === 'object' && out !== null) {
      out = (out as { next: unknown }).next;
      levels++;
    }
    expect(levels).toBe(MAX_DEPTH);
    expect(out).toBe('[Truncated]');
  });

  it('survives hostile objects', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const getter = Object.defineProperty({ ok: 1 }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(redactValue({ proxy, getter, fn: () => 1 })).toEqual({
      proxy: '[Unreadable]',
      getter: { ok: 1, boom: '[Unreadable]' },
      fn: '[Function]',
    });
  });

  it('copies special objects without exposing their contents', () => {
    const when = new Date(0);
    const out = redactValue({
      when,
      bytes: Buffer.from('secret'),
      url: new URL('https://example.com/?u=a@example.com'),
      tags: new Set(['a@example.com']),
      map: new Map([['password', 'x']]),
    }) as Record<string, unknown>;
    expect(out).toEqual({
      when: new Date(0),
      bytes: '[Binary: 6 bytes]',
      url: 'https://example.com/?u=[REDACTED:email]',
      tags: ['[REDACTED:email]'],
      map: { password: REDACTED },
    });
    expect(out.when).not.toBe(when);
  });

  it('keeps a __proto__ key as data', () => {
    const out = redactValue(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
  });

  it('never throws on arbitrary JSON and never mutates its input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const before = JSON.stringify(value);
        expect(() => redactValue(value)).not.toThrow();
        expect(JSON.stringify(value)).toBe(before);
      }),
    );
  });

  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.anything({ withMap: true, withSet: true, withDate: true, withTypedArray: true }),
        (value) => {
          expect(() => redactValue(value)).not.toThrow();
        },
      ),
    );
  });
});

describe('redactValue fast path', () => {
  it('returns a flat object with nothing to redact as it is, and copies one that needs redaction', () => {
    const clean = { method: 'GET', route: '/v1/me', status: 200, durationMs: 1.5, ok: true, none: null };
    expect(redactValue(clean)).toBe(clean);
    const dirty = { method: 'GET', note: 'card 4242 4242 4242 4242' };
    const out = redactValue(dirty) as Record<string, unknown>;
    expect(out).not.toBe(dirty);
    expect(out.note).toBe('card [REDACTED:card_number]');
    expect(dirty.note).toBe('card 4242 4242 4242 4242');
    const sensitiveKey = { password: 'x' };
    expect(redactValue(sensitiveKey)).toEqual({ password: '[REDACTED]' });
    const nested = { outer: { password: 'x' } };
    expect(redactValue(nested)).toEqual({ outer: { password: '[REDACTED]' } });
    const withGetter = Object.defineProperty({}, 'token', { get: () => 'srk_x', enumerable: true });
    expect(redactValue(withGetter)).toEqual({ token: '[REDACTED]' });
  });
});
