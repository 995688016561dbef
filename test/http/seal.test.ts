/**
 * Guarantee: with a sealed keyring the server starts sealed; while sealed every data endpoint (login included)
 * answers 503 SEALED, health says sealed and readiness fails; any 3 of 5 shares unseal it; a bad share resets
 * progress without saying which; shares never reach the logs; unseal attempts are throttled per address.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { initSealedKeyring } from '../../src/crypto/index.js';
import { formatShare, parseShare } from '../../src/crypto/shamir-share.js';
import { ensureDevCertificates, loadTlsFiles } from '../../src/tls/index.js';
import { createTestApp, createTestClock, createUser, login, type TestApp } from '../helpers/test-app.js';

const errorCode = (response: { json: () => unknown }) =>
  (response.json() as { error: { code: string } }).error.code;

/** A share with the right index, threshold and check value but wrong y bytes: it only fails when combined. */
function forge(share: string): string {
  const real = parseShare(share);
  const y = new Uint8Array(real.share);
  y[3] = (y[3] ?? 0) ^ 0x40;
  return formatShare({ ...real, share: y });
}

describe('a server with a sealed keyring', () => {
  let t: TestApp;
  let shares: string[] = [];
  let foreign: string[] = [];
  const clock = createTestClock();

  beforeAll(async () => {
    t = await createTestApp({
      flags: { keyring: 'sealed' },
      clock,
      seedDataDir: async (dir) => {
        ({ shares } = await initSealedKeyring(path.join(dir, 'keyring.json'), { shares: 5, threshold: 3 }));
        ({ shares: foreign } = await initSealedKeyring(path.join(dir, 'other.json'), {
          shares: 5,
          threshold: 3,
        }));
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const unseal = (share: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/v1/sys/unseal', payload: { share }, remoteAddress });
  const share = (i: number) => shares[i] as string;

  it('starts sealed: data endpoints answer 503 SEALED, before authentication', async () => {
    expect(t.rootKey.isSealed()).toBe(true);
    const user = await createUser(t);
    const requests = [
      {
        method: 'POST' as const,
        url: '/v1/auth/login',
        payload: { username: user.username, password: user.password },
      },
      { method: 'POST' as const, url: '/v1/auth/refresh', payload: { refresh_token: 'x' } },
      { method: 'GET' as const, url: '/v1/me', headers: { authorization: 'Bearer nonsense' } },
      { method: 'GET' as const, url: '/v1/me' },
      { method: 'GET' as const, url: '/v1/users' },
      { method: 'GET' as const, url: '/v1/api-keys' },
    ];
    for (const request of requests) {
      const response = await t.app.inject(request);
      expect(response.statusCode, request.url).toBe(503);
      expect(errorCode(response), request.url).toBe('SEALED');
    }
  });

  it('stays alive and says so: healthz 200 sealed, readyz 503, seal status, JWKS and docs', async () => {
    const health = await t.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', sealed: true });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(errorCode(ready)).toBe('SEALED');
    const status = await t.app.inject({ url: '/v1/sys/seal-status' });
    expect(status.json()).toEqual({ sealed: true, threshold: 3, progress: 0, source: 'sealed-keyring' });
    expect((await t.app.inject({ url: '/.well-known/jwks.json' })).json()).toEqual({ keys: [] });
    expect((await t.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/nowhere' })).statusCode).toBe(404);
  });

  it('refuses a share of another keyring and a mistyped one, keeping progress', async () => {
    expect((await unseal(share(0))).json()).toEqual({ sealed: true, threshold: 3, progress: 1 });
    const refused = await unseal(foreign[1] as string);
    expect(refused.statusCode).toBe(400);
    expect(errorCode(refused)).toBe('UNSEAL_FAILED');
    const typo = await unseal(`${share(1).slice(0, -1)}${share(1).endsWith('0') ? '1' : '0'}`);
    expect(errorCode(typo)).toBe('UNSEAL_FAILED');
    expect((await t.app.inject({ url: '/v1/sys/seal-status' })).json()).toMatchObject({ progress: 1 });
  });

  it('resets progress when the shares do not combine, without naming the bad one', async () => {
    expect((await unseal(share(1))).json()).toMatchObject({ progress: 2 });
    const failed = await unseal(forge(share(2)));
    expect(failed.statusCode).toBe(400);
    expect(errorCode(failed)).toBe('UNSEAL_FAILED');
    expect(failed.body).not.toMatch(/share [0-9]/i);
    expect((await t.app.inject({ url: '/v1/sys/seal-status' })).json()).toMatchObject({
      sealed: true,
      progress: 0,
    });
    expect(t.rootKey.isSealed()).toBe(true);
  });

  it('throttles an address that keeps sending bad shares, not the others', async () => {
    const attacker = '203.0.113.7';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await unseal(foreign[i % 5] as string, attacker)).statusCode);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const blocked = await unseal(share(0), attacker);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(2000);
    expect((await unseal(share(0), attacker)).statusCode).toBe(200);
  });

  it('unseals with 3 of the 5 shares; then login works and readiness passes', async () => {
    // share(0) came in once already (the throttling test): told apart, and not counted again, however often.
    expect((await unseal(share(0))).json()).toMatchObject({ sealed: true, threshold: 3, progress: 1 });
    expect((await unseal(share(0))).json()).toEqual({
      sealed: true,
      threshold: 3,
      progress: 1,
      duplicate: true,
    });
    expect((await unseal(share(4))).json()).toEqual({ sealed: true, threshold: 3, progress: 2 });
    expect((await unseal(share(2))).json()).toEqual({ sealed: false, threshold: 3, progress: 0 });
    expect(t.rootKey.isSealed()).toBe(false);

    const user = await createUser(t);
    const tokens = await login(t, user.username, user.password);
    const me = await t.app.inject({
      url: '/v1/me',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok', sealed: false });
    expect(
      ((await t.app.inject({ url: '/.well-known/jwks.json' })).json() as { keys: unknown[] }).keys,
    ).toHaveLength(1);

    const again = await unseal(share(1));
    expect(again.statusCode).toBe(409);
    expect(errorCode(again)).toBe('ALREADY_UNSEALED');
  });

  it('refuses a share in a URL', async () => {
    const response = await t.app.inject({ url: `/healthz?note=${share(3)}` });
    expect(response.statusCode).toBe(400);
    expect(errorCode(response)).toBe('SENSITIVE_DATA_IN_URL');
  });

  it('never writes a share, or a forged one, to the logs', () => {
    const text = t.logs.join('\n');
    expect(text).toContain('root key unsealed');
    for (const secret of [...shares, ...foreign, ...shares.map(forge)]) {
      expect(text).not.toContain(secret);
      // The payload alone (share bytes and key check value), between `srs1-i-k-` and `-crc32`.
      expect(text).not.toContain(secret.slice('srs1-1-3-'.length, -9));
    }
  });
});

describe('a server with the default key source', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is unsealed from the start and refuses shares with 409 ALREADY_UNSEALED', async () => {
    expect((await t.app.inject({ url: '/v1/sys/seal-status' })).json()).toEqual({
      sealed: false,
      threshold: 0,
      progress: 0,
      source: 'development-key-file',
    });
    const response = await t.app.inject({ method: 'POST', url: '/v1/sys/unseal', payload: { share: 'x' } });
    expect(response.statusCode).toBe(409);
    expect(errorCode(response)).toBe('ALREADY_UNSEALED');
  });
});

describe('starting with a sealed keyring that does not exist', () => {
  it('refuses, naming the keyring file setting, and creates no key file', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-sealed-'));
    try {
      const certs = await ensureDevCertificates(path.join(dataDir, 'tls'));
      const tls = await loadTlsFiles(certs.certPath, certs.keyPath);
      await expect(
        buildApp(loadConfig({ dataDir, keyring: 'sealed', logLevel: 'silent' }), { tls }),
      ).rejects.toMatchObject({ code: 'CONFIG_FILE_MISSING', field: 'keyringFile' });
      await expect(fs.access(path.join(dataDir, 'master.key'))).rejects.toThrow();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
