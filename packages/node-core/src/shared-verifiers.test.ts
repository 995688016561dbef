import { randomInt } from 'node:crypto';
import { BASE62_ALPHABET, OPAQUE_TOKEN_BODY_LENGTH, opaqueTokenChecksum } from '@strongroom/redact';
import { describe, expect, it } from 'vitest';
import { resolveAuthOptions, type StrongroomAuthOptions } from './auth-options.js';
import { acquireVerifier, sharedVerifierCount } from './shared-verifiers.js';

function apiKey(): string {
  const head = `srk_${Array.from({ length: OPAQUE_TOKEN_BODY_LENGTH }, () => BASE62_ALPHABET[randomInt(62)]).join('')}`;
  return head + opaqueTokenChecksum(head);
}

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const options = (overrides: Partial<StrongroomAuthOptions> = {}) =>
  resolveAuthOptions({
    url: 'https://strongroom.internal:8443',
    introspectionKey: apiKey(),
    ca: CA,
    ...overrides,
  });

describe('acquireVerifier', () => {
  it('shares one verifier among authenticators of one Strongroom, CA, audience and issuer', () => {
    const before = sharedVerifierCount();
    const first = acquireVerifier(options({ roles: ['admin'], revocationCheckSeconds: 0 }), false);
    const second = acquireVerifier(options({ ca: Buffer.from(CA) }), false);
    expect(second.verifier).toBe(first.verifier);
    expect(second.https).toBe(first.https);
    expect(sharedVerifierCount()).toBe(before + 1);
    first.release();
    first.release();
    const third = acquireVerifier(options(), false);
    expect(third.verifier).toBe(first.verifier);
    second.release();
    third.release();
    expect(sharedVerifierCount()).toBe(before);
    const fresh = acquireVerifier(options(), false);
    expect(fresh.verifier).not.toBe(first.verifier);
    fresh.release();
  });

  it.each<[string, Partial<StrongroomAuthOptions>]>([
    ['Strongroom', { url: 'https://other.internal:8443' }],
    ['CA', { ca: CA.replace('MIIB', 'MIIC') }],
    ['audience', { audience: 'billing-api' }],
    ['issuer', { issuer: 'https://id.example' }],
    ['JWKS cooldown', { jwksCooldownSeconds: 30 }],
    ['timeout', { timeoutMs: 1000 }],
  ])('gives another %s a verifier of its own', (_name, overrides) => {
    const one = acquireVerifier(options(), false);
    const other = acquireVerifier(options(overrides), false);
    expect(other.verifier).not.toBe(one.verifier);
    one.release();
    other.release();
  });

  it('never shares the verifier of an authenticator with its own clock', () => {
    const shared = acquireVerifier(options(), false);
    const clocked = acquireVerifier(options({ clock: () => 0 }), true);
    expect(clocked.verifier).not.toBe(shared.verifier);
    const another = acquireVerifier(options({ clock: () => 0 }), true);
    expect(another.verifier).not.toBe(clocked.verifier);
    for (const held of [shared, clocked, another]) held.release();
  });
});
