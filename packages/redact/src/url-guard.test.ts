import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeOpaqueToken as generateOpaqueToken } from '../test/opaque-tokens.js';
import { inspectUrl, MAX_URL_LENGTH, sanitizeUrl } from './url-guard.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('inspectUrl', () => {
  it.each([
    ['/v1/me?password=x', 'query:password'],
    ['/v1/users?Access-Token=abc', 'query:Access-Token'],
    ['/v1/me?PassWord', 'query:PassWord'],
    ['/v1/me?a=1&api-key=', 'query:api-key'],
    ['/v1/me?pass%77ord=x', 'query:password'],
    ['/v1/me?user[password]=x', 'query:user[password]'],
    ['/v1/collections/people/records?filter.token=hunter2secret', 'query:filter.token'],
    ['/v1/me?new_password=x', 'query:new_password'],
  ])('refuses the credential parameter in %s', (url, location) => {
    expect(inspectUrl(url)).toEqual({ ok: false, reason: 'sensitive_parameter', location });
  });

  it.each([
    ['/v1/users/4242424242424242', 'path:2'],
    ['/v1/users/4111%201111%201111%201111/x', 'path:2'],
    ['/v1/x?q=123-45-6789', 'query:q'],
    ['/v1/x?q=123+45+6789', 'query:q'],
    ['/v1/users/123456789', 'path:2'],
    [`/v1/x?next=${JWT}`, 'query:next'],
    [`/v1/keys/${generateOpaqueToken('srk')}`, 'path:2'],
    ['/v1/x?h=Bearer%20abc123def', 'query:h'],
    ['/v1/x?q=4242424242424242%31', 'query:q'],
  ])('refuses the secret in %s', (url, location) => {
    expect(inspectUrl(url)).toEqual({ ok: false, reason: 'secret_value', location });
  });

  it('reports a secret-shaped parameter name by position, never by value', () => {
    const key = generateOpaqueToken('srr');
    expect(inspectUrl(`/v1/x?a=1&${key}=1`)).toEqual({
      ok: false,
      reason: 'secret_value',
      location: 'query:#1',
    });
    expect(inspectUrl('/v1/x?a%0Ab=4242424242424242')).toEqual({
      ok: false,
      reason: 'secret_value',
      location: 'query:#0',
    });
  });

  it.each([
    '/v1/users?limit=10&cursor=abc',
    '/v1/users/3fa85f64-5717-4562-b3fc-2c963f66afa6',
    '/v1/users/alice@example.com?email=bob%40example.com',
    '/v1/x?page_token=abc&sort_key=name',
    '/v1/x?since=2024-01-15T10:30:00Z&until=1700000000004',
    '/v1/x?q=a+123456789',
    '/v1/x?q=4242424242424241',
    `/v1/keys/srk_${'A'.repeat(49)}`,
    '/',
    '',
  ])('allows %s', (url) => {
    expect(inspectUrl(url)).toEqual({ ok: true });
  });

  it('answers a short path of letters, digits and dashes at once only when no secret shape can be in it', () => {
    // The fast path takes such paths; each of these holds a secret made of those characters alone.
    const share = `srs1-1-2-${'aB3-'.repeat(13)}abc-0123abcd`;
    expect(share).toMatch(/^[A-Za-z0-9-]+$/);
    expect(inspectUrl(`/v1/x/${share}`)).toEqual({ ok: false, reason: 'secret_value', location: 'path:2' });
    expect(inspectUrl('/v1/x/4242-4242-4242-4242')).toEqual({
      ok: false,
      reason: 'secret_value',
      location: 'path:2',
    });
    expect(inspectUrl('/v1/x/123-45-6789')).toEqual({
      ok: false,
      reason: 'secret_value',
      location: 'path:2',
    });
    expect(inspectUrl('/v1/x/123456789')).toEqual({ ok: false, reason: 'secret_value', location: 'path:2' });
    expect(inspectUrl('/v1/me')).toEqual({ ok: true });
    expect(inspectUrl('/v1/users/3fa85f64-5717-4562-b3fc-2c963f66afa6')).toEqual({ ok: true });
  });

  it('does not throw on malformed percent-encoding', () => {
    expect(inspectUrl('/v1/x/%E0%A4%A?q=%E0%A4%A&%=%')).toEqual({ ok: true });
    expect(inspectUrl('/v1/x?password=%E0%A4%A')).toMatchObject({ ok: false, reason: 'sensitive_parameter' });
  });

  it('decodes once only: a double-encoded name is not the name the application reads', () => {
    expect(inspectUrl('/v1/x?%2570assword=x')).toEqual({ ok: true });
    expect(inspectUrl('/v1/x?%70assword=x')).toMatchObject({ ok: false, reason: 'sensitive_parameter' });
  });

  it.each([
    'auth_token',
    'AuthToken',
    'x-auth-token',
    'X_AUTH_TOKEN',
    'session_token',
    'sessionToken',
    'secret_key',
    'app_secret',
    'access_key',
    'accessKey',
    'apiToken',
    'api-token',
    'X-Amz-Security-Token',
    'X-Amz-Signature',
    'signature',
    'otp',
    'TOTP',
    'pin',
    'passcode',
    'pw',
    'cvc',
    'security_code',
    'credit_card',
    'ccnum',
    'social_security_number',
  ])('refuses the credential parameter %s whatever its value', (name) => {
    for (const value of ['', 'x', '123456', 'abc%20def']) {
      expect(inspectUrl(`/v1/x?a=1&${name}=${value}`)).toEqual({
        ok: false,
        reason: 'sensitive_parameter',
        location: `query:${name}`,
      });
    }
    const encoded = name.replace(/[-_]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
    expect(inspectUrl(`/v1/x?${encoded}=1`)).toMatchObject({ ok: false, reason: 'sensitive_parameter' });
  });

  it('allows pagination and search parameters', () => {
    expect(inspectUrl('/v1/x?page_token=a&next_page_token=b&sort_key=c&cursor=d&limit=5&q=e')).toEqual({
      ok: true,
    });
  });

  it.each([
    '/v1/x?h=Basic%20dXNlcjpwYXNz',
    '/v1/x?h=Basic+dXNlcjpwYXNz',
    '/v1/x?h=basic%09YWxpY2U6aHVudGVyMg%3D%3D',
  ])('refuses HTTP Basic credentials in %s', (url) => {
    expect(inspectUrl(url)).toEqual({ ok: false, reason: 'secret_value', location: 'query:h' });
  });

  it('refuses absurdly long targets unread', () => {
    expect(inspectUrl(`/v1/x?q=${'a'.repeat(MAX_URL_LENGTH)}`)).toEqual({
      ok: false,
      reason: 'too_long',
      location: 'url',
    });
    const longest = `/v1/x?q=${'a'.repeat(MAX_URL_LENGTH - 8)}`;
    expect(longest).toHaveLength(MAX_URL_LENGTH);
    expect(inspectUrl(longest)).toEqual({ ok: true });
  });

  // Each of these once cost tens to hundreds of milliseconds at this length; linear work takes a few each.
  it('runs in linear time on hostile targets', () => {
    const fill = (unit: string, prefix = '/v1/x?') =>
      prefix + unit.repeat(Math.floor((MAX_URL_LENGTH - prefix.length) / unit.length));
    const hostile = [
      fill('A'),
      `${fill('A')}=1`.slice(0, MAX_URL_LENGTH),
      fill('A', '/'),
      fill('%'),
      fill('%', '/'),
      fill('%2'),
      fill('%E0%A4%A'),
      fill('['),
      fill('a['),
      fill('A]'),
      fill('='),
      fill('&'),
      fill('a=1&'),
      fill('/', '/'),
      fill('+'),
      fill('aB'),
      fill('ABc'),
      fill('1 '),
      fill('Basic%20'),
      fill('eyJa.'),
      fill('a%40'),
      `/v1/x?${'A'.repeat(64_000)}=1`,
    ];
    const started = performance.now();
    for (const url of hostile) {
      inspectUrl(url);
      sanitizeUrl(url.slice(0, MAX_URL_LENGTH));
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it.each([
    'https://user:pass@example.com/v1/me',
    'http://alice@example.com/v1/me',
    'HTTPS://u%3Ap@example.com',
    'https://user:pass@example.com?x=1',
    '//user:pass@example.com/v1/me',
  ])('refuses the userinfo of %s', (url) => {
    expect(inspectUrl(url)).toEqual({ ok: false, reason: 'userinfo', location: 'url:userinfo' });
  });

  it('allows an absolute-form target without userinfo, and an @ past the authority', () => {
    expect(inspectUrl('https://example.com/v1/users/alice@example.com')).toEqual({ ok: true });
    expect(inspectUrl('/v1/users/alice@example.com')).toEqual({ ok: true });
  });

  it.each([
    ['/v1/records;password=hunter2/x', 'path:1'],
    ['/v1/records/abc;jsessionid=1;api_key=x', 'path:2'],
    ['/v1/records/abc;Access-Token', 'path:2'],
    ['/v1/records/abc%3Bsecret%3Dx', 'path:2'],
    ['/v1/records/abc;%70assword=x', 'path:2'],
  ])('refuses the credential path parameter in %s', (url, location) => {
    expect(inspectUrl(url)).toEqual({ ok: false, reason: 'sensitive_parameter', location });
  });

  it('allows path parameters with ordinary names', () => {
    expect(inspectUrl('/v1/records/abc;v=2;lang=en')).toEqual({ ok: true });
  });

  it('never throws and never puts a value in the location', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (path, value) => {
        const result = inspectUrl(`/${path}?q=${value}`);
        if (!result.ok && value.length > 3) expect(result.location).not.toContain(value);
      }),
    );
  });
});

describe('sanitizeUrl', () => {
  it('hides the values of credential parameters', () => {
    expect(sanitizeUrl('/v1/me?password=hunter2&limit=5&Access-Token=abc&flag')).toBe(
      '/v1/me?password=[REDACTED]&limit=5&Access-Token=[REDACTED]&flag',
    );
  });

  it('hides secret-shaped values wherever they are', () => {
    const key = generateOpaqueToken('srk');
    expect(sanitizeUrl(`/v1/keys/${key}/cards/4242424242424242?q=123-45-6789&to=a@example.com`)).toBe(
      '/v1/keys/[REDACTED:strongroom_token]/cards/[REDACTED:card_number]?q=[REDACTED:ssn]&to=[REDACTED:email]',
    );
    expect(sanitizeUrl('/v1/users/123456789')).toBe('/v1/users/[REDACTED:ssn]');
    expect(sanitizeUrl('/v1/x?h=Basic%20dXNlcjpwYXNz&limit=5')).toBe(
      '/v1/x?h=Basic [REDACTED:basic]&limit=5',
    );
  });

  it('hides secrets that only appear once decoded, or that decoding would hide', () => {
    expect(sanitizeUrl('/v1/x?q=4111+1111+1111+1111')).toBe('/v1/x?q=[REDACTED:card_number]');
    expect(sanitizeUrl('/v1/x/4242%204242%204242%204242')).toBe('/v1/x/[REDACTED:card_number]');
    expect(sanitizeUrl('/v1/x?q=4242424242424242%31')).toBe('/v1/x?q=[REDACTED:card_number]%31');
    expect(sanitizeUrl('/v1/x?q=4242424242424242%31+4111%201111%201111%201111')).toBe('/v1/x?q=[REDACTED]');
  });

  it('hides userinfo and credential path parameters', () => {
    expect(sanitizeUrl('https://user:pass@example.com/v1/me?limit=5')).toBe(
      'https://[REDACTED]@example.com/v1/me?limit=5',
    );
    expect(sanitizeUrl('/v1/records/abc;token=hunter2/x')).toBe('/v1/records/[REDACTED]/x');
  });

  it('leaves clean URLs untouched', () => {
    for (const url of [
      '/v1/users?limit=10&cursor=abc',
      '/v1/x/%E0%A4%A?q=a+b',
      '/v1/users/3fa85f64-5717-4562-b3fc-2c963f66afa6',
    ]) {
      expect(sanitizeUrl(url)).toBe(url);
    }
  });

  it('never lets a generated token through, however it is encoded', () => {
    fc.assert(
      fc.property(fc.constantFrom('srk' as const, 'srr' as const), fc.string(), (prefix, noise) => {
        const key = generateOpaqueToken(prefix);
        const url = `/v1/${encodeURIComponent(noise)}/${key}?q=${encodeURIComponent(`${noise} ${key}`)}`;
        expect(sanitizeUrl(url)).not.toContain(key);
        expect(inspectUrl(url)).toMatchObject({ ok: false });
      }),
    );
  });
});
