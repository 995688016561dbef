import { describe, expect, it } from 'vitest';
import { readBearerToken } from './request-credentials.js';
import { createSafety } from './safety.js';
import { checkRequestUrl, checkUrl } from './url-inspection.js';

const JWT =
  'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1Iiwic2lkIjoicyJ9.c2lnbmF0dXJlc2lnbmF0dXJl';

describe('checkRequestUrl', () => {
  it('refuses a secret in the URL however often it is asked: a refusal is never remembered as clean', () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(checkRequestUrl('/orders?password=x')).toMatchObject({
        code: 'SENSITIVE_DATA_IN_URL',
        field: 'query:password',
      });
    }
  });

  it('inspects any string other than the one last found clean', () => {
    expect(checkRequestUrl('/orders')).toBeNull();
    expect(checkRequestUrl('/orders')).toBeNull();
    expect(checkRequestUrl(`/orders?access_token=${JWT}`)).toMatchObject({
      code: 'SENSITIVE_DATA_IN_URL',
      field: 'query:access_token',
    });
    expect(checkRequestUrl('/orders/4242424242424242')).toMatchObject({ field: 'path:1' });
    expect(checkRequestUrl('/orders')).toBeNull();
  });

  it('gives the verdict checkUrl gives, for clean and refused URLs alike', () => {
    for (const url of ['/me', '/me?password=x', '/a/b-c?page=2', `/x/${JWT}`, `/${'a'.repeat(9000)}`]) {
      expect(checkRequestUrl(url)).toEqual(checkUrl(url));
      expect(checkRequestUrl(url)).toEqual(checkUrl(url));
    }
  });

  it('lets strongroomAuth refuse a URL strongroomSafety never saw, after it passed another', () => {
    const safety = createSafety();
    const headers = { authorization: `Bearer ${JWT}` };
    expect(safety.check({ url: '/orders', headers, encrypted: true, remoteAddress: '127.0.0.1' })).toBeNull();
    expect(readBearerToken({ url: '/orders', headers })).toEqual({ token: JWT });
    expect(readBearerToken({ url: '/orders?password=x', headers })).toMatchObject({
      refusal: { status: 400, code: 'SENSITIVE_DATA_IN_URL' },
    });
  });
});
