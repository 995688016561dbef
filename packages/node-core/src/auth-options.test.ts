import { randomInt } from 'node:crypto';
import { BASE62_ALPHABET, OPAQUE_TOKEN_BODY_LENGTH, opaqueTokenChecksum } from '@strongroom/redact';
import { describe, expect, it } from 'vitest';
import { resolveAuthOptions, type StrongroomAuthOptions } from './auth-options.js';
import { StrongroomOptionsError } from './errors.js';

function apiKey(): string {
  const head = `srk_${Array.from({ length: OPAQUE_TOKEN_BODY_LENGTH }, () => BASE62_ALPHABET[randomInt(62)]).join('')}`;
  return head + opaqueTokenChecksum(head);
}

const base = (): StrongroomAuthOptions => ({
  url: 'https://strongroom.internal:8443',
  introspectionKey: apiKey(),
});

describe('resolveAuthOptions', () => {
  it('fills in the server defaults', () => {
    expect(resolveAuthOptions(base())).toMatchObject({
      audience: 'strongroom-api',
      issuer: 'strongroom',
      roles: [],
      revocationWindowMs: 5000,
      timeoutMs: 3000,
    });
    expect(resolveAuthOptions({ ...base(), revocationCheckSeconds: 0 }).revocationWindowMs).toBe(0);
  });

  it.each([
    ['url', { url: 'http://strongroom.internal' }],
    ['url', { url: 'strongroom.internal' }],
    ['introspectionKey', { introspectionKey: 'srk_not-a-key' }],
    ['revocationCheckSeconds', { revocationCheckSeconds: -1 }],
    ['revocationCheckSeconds', { revocationCheckSeconds: 1.5 }],
    ['revocationCheckSeconds', { revocationCheckSeconds: 301 }],
    ['audience', { audience: '' }],
    ['roles', { roles: [''] }],
  ])('refuses a bad %s at creation', (option, overrides) => {
    const attempt = () => resolveAuthOptions({ ...base(), ...overrides } as StrongroomAuthOptions);
    expect(attempt).toThrow(StrongroomOptionsError);
    expect(attempt).toThrow(new RegExp(`^${option}:`));
  });

  it('never puts the key in an error message', () => {
    const key = `${apiKey().slice(0, -1)}!`;
    expect(() => resolveAuthOptions({ ...base(), introspectionKey: key })).toThrow(
      /^introspectionKey: [^!]*$/,
    );
  });
});
