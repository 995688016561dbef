import { describe, expect, it } from 'vitest';
import { hasCookieCredential, readBearerToken } from './request-credentials.js';

const JWT =
  'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1Iiwic2lkIjoicyJ9.c2lnbmF0dXJlc2lnbmF0dXJl';

const read = (url: string, headers: Record<string, string> = {}) => readBearerToken({ url, headers });

describe('readBearerToken', () => {
  it('takes the token from Authorization: Bearer', () => {
    expect(read('/orders', { authorization: `Bearer ${JWT}` })).toEqual({ token: JWT });
    expect(read('/orders', { authorization: `bearer  ${JWT}` })).toEqual({ token: JWT });
  });

  it('asks for a credential when there is none', () => {
    expect(read('/orders')).toMatchObject({ refusal: { status: 401, code: 'AUTHENTICATION_REQUIRED' } });
  });

  it.each([`Basic dXNlcjpwYXNz`, 'Bearer', `Bearer ${JWT} extra`, JWT])(
    'refuses Authorization: %s',
    (value) => {
      expect(read('/orders', { authorization: value })).toMatchObject({
        refusal: { status: 401, code: 'INVALID_TOKEN' },
      });
    },
  );

  it.each([
    [`/orders?access_token=${JWT}`, 'query:access_token'],
    ['/orders?access_token=anything', 'query:access_token'],
    ['/orders?password=x', 'query:password'],
    [`/orders/${JWT}`, 'path:1'],
  ])('refuses credentials in the URL %s as the server does (400)', (url, field) => {
    expect(read(url, { authorization: `Bearer ${JWT}` })).toMatchObject({
      refusal: { status: 400, code: 'SENSITIVE_DATA_IN_URL', field },
    });
  });

  it('refuses a URL over 8 KiB with 414', () => {
    expect(read(`/x?q=${'a'.repeat(9000)}`)).toMatchObject({
      refusal: { status: 414, code: 'URL_TOO_LONG' },
    });
  });

  it('refuses a credential in a cookie (401), even with a valid header', () => {
    expect(
      read('/orders', { authorization: `Bearer ${JWT}`, cookie: `theme=dark; at=${JWT}` }),
    ).toMatchObject({
      refusal: { status: 401, code: 'INVALID_TOKEN', field: 'cookie' },
    });
  });
});

describe('hasCookieCredential', () => {
  it.each([
    `t=${JWT}`,
    `t=${encodeURIComponent(`Bearer ${JWT}`)}`,
    'access_token=abc',
    'Authorization=abc',
    'x-api-key=abc',
  ])('finds a credential in %s', (cookie) => {
    expect(hasCookieCredential(cookie)).toBe(true);
  });

  it.each(['theme=dark', 'session=abc123; lang=en', '', 'access_token='])('leaves %j alone', (cookie) => {
    expect(hasCookieCredential(cookie)).toBe(false);
  });
});
