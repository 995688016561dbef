import { describe, expect, it } from 'vitest';
import { readBearerToken } from './request-credentials.js';
import { createSafety } from './safety.js';
import { checkRequestUrl } from './url-inspection.js';

const JWT =
  'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1Iiwic2lkIjoicyJ9.c2lnbmF0dXJlc2lnbmF0dXJl';

describe('checkRequestUrl', () => {
  it('refuses a secret in the URL however often it is asked: a refusal is never remembered as clean', () => {
    const headers = {};
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(checkRequestUrl({ url: '/orders?password=x', headers })).toMatchObject({
        code: 'SENSITIVE_DATA_IN_URL',
        field: 'query:password',
      });
    }
  });

  it('inspects a URL rewritten after it was found clean', () => {
    const headers = {};
    expect(checkRequestUrl({ url: '/orders', headers })).toBeNull();
    expect(checkRequestUrl({ url: `/orders?access_token=${JWT}`, headers })).toMatchObject({
      code: 'SENSITIVE_DATA_IN_URL',
      field: 'query:access_token',
    });
  });

  it('lets strongroomAuth refuse what strongroomSafety never saw, and accept what it passed', () => {
    const safety = createSafety();
    const headers = { authorization: `Bearer ${JWT}` };
    const connection = { headers, encrypted: true, remoteAddress: '127.0.0.1' };
    expect(safety.check({ ...connection, url: '/orders' })).toBeNull();
    expect(readBearerToken({ url: '/orders', headers })).toEqual({ token: JWT });
    expect(readBearerToken({ url: '/orders?password=x', headers })).toMatchObject({
      refusal: { status: 400, code: 'SENSITIVE_DATA_IN_URL' },
    });
    expect(readBearerToken({ url: '/orders?password=x', headers: { ...headers } })).toMatchObject({
      refusal: { status: 400 },
    });
  });

  it('keeps the verdict of one request away from another', () => {
    expect(checkRequestUrl({ url: '/orders', headers: {} })).toBeNull();
    expect(checkRequestUrl({ url: '/orders/4242424242424242', headers: {} })).toMatchObject({
      field: 'path:1',
    });
  });
});
