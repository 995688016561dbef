import { describe, expect, it } from 'vitest';
import { StrongroomOptionsError } from './errors.js';
import { carriesCredential, createSafety, type SafetyOptions } from './safety.js';

const request = (overrides: Partial<Parameters<ReturnType<typeof createSafety>['check']>[0]> = {}) => ({
  url: '/orders',
  headers: {},
  encrypted: true,
  remoteAddress: '203.0.113.9',
  ...overrides,
});

const check = (options: SafetyOptions, overrides: Parameters<typeof request>[0]) =>
  createSafety(options).check(request(overrides));

describe('createSafety', () => {
  it('serves TLS requests with a clean URL', () => {
    expect(check({}, {})).toBeNull();
  });

  it('answers plain HTTP with 426', () => {
    expect(check({}, { encrypted: false })).toMatchObject({ status: 426, code: 'HTTPS_REQUIRED' });
  });

  it('believes X-Forwarded-Proto only from trusted proxies', () => {
    const forwarded = { encrypted: false, headers: { 'x-forwarded-proto': 'https' } };
    expect(check({}, forwarded)).toMatchObject({ status: 426 });
    expect(check({ trustProxy: '10.0.0.0/8' }, forwarded)).toMatchObject({ status: 426 });
    expect(
      check({ trustProxy: '10.0.0.0/8' }, { ...forwarded, remoteAddress: '::ffff:10.1.2.3' }),
    ).toBeNull();
    expect(check({ trustProxy: ['203.0.113.9'] }, forwarded)).toBeNull();
    expect(check({ trustProxy: true }, forwarded)).toBeNull();
  });

  it('refuses a request a trusted proxy forwarded as plain http, even over TLS', () => {
    const headers = { 'x-forwarded-proto': 'https, http' };
    expect(check({ trustProxy: true }, { headers })).toMatchObject({ status: 426 });
  });

  it('refuses secrets in URLs with the shared detectors', () => {
    expect(check({}, { url: '/orders?password=x' })).toMatchObject({
      status: 400,
      code: 'SENSITIVE_DATA_IN_URL',
    });
    expect(check({}, { url: '/cards/4242424242424242' })).toMatchObject({ status: 400, field: 'path:1' });
    expect(check({}, { url: '/users/alice@example.com?page_token=abc' })).toBeNull();
  });

  it('refuses userinfo in an absolute-form target, credential path parameters and secrets behind decoys', () => {
    expect(check({}, { url: 'https://alice:hunter2@shop.example/orders' })).toMatchObject({
      status: 400,
      code: 'SENSITIVE_DATA_IN_URL',
      field: 'url:userinfo',
    });
    expect(check({}, { url: '/orders;password=hunter2' })).toMatchObject({ status: 400, field: 'path:0' });
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(check({}, { url: `/orders/eyJfake.${jwt}` })).toMatchObject({
      status: 400,
      field: 'path:1',
    });
    expect(check({}, { url: 'https://shop.example/orders;v=2' })).toBeNull();
  });

  it('says no-store only on answers to requests with credentials', () => {
    const safety = createSafety();
    expect(safety.headersFor(false)).toEqual({
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(safety.headersFor(true)).toMatchObject({ 'cache-control': 'no-store' });
    expect(carriesCredential({ authorization: 'Bearer x' })).toBe(true);
    expect(carriesCredential({ cookie: 'a=b' })).toBe(true);
    expect(carriesCredential({ accept: '*/*' })).toBe(false);
  });

  it.each([['not-an-ip'], ['10.0.0.0/33'], ['10.0.0.0/x']])('refuses trustProxy %j at creation', (entry) => {
    expect(() => createSafety({ trustProxy: entry })).toThrow(StrongroomOptionsError);
  });
});
