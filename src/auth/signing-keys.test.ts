import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPersistence, type DatabaseHandle, migrateToLatest, openDatabase } from '../storage/index.js';
import { createAccessTokens } from './access-token.js';
import { createSigningKeyring } from './signing-keys.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

let dir: string;
let handle: DatabaseHandle;
let now: number;
const clock = () => now;
const masterKey = randomBytes(32);

function keyringOn(key = masterKey) {
  return createSigningKeyring({
    store: createPersistence(handle).stores.signingKeys,
    rootKey: { get: () => key },
    clock,
    accessTokenTtlSeconds: 900,
    rotationSeconds: 86_400,
  });
}

function tokensFor(keyring: ReturnType<typeof keyringOn>) {
  return createAccessTokens({
    keyring,
    cache: createVerifiedTokenCache({ maxEntries: 0, clock }),
    clock,
    issuer: 'strongroom',
    audience: 'strongroom-api',
    ttlSeconds: 900,
  });
}

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-keys-'));
  handle = await openDatabase({
    databaseUrl: null,
    databaseSchema: null,
    sqlitePath: path.join(dir, 'db.sqlite'),
  });
  await migrateToLatest(handle.db as never);
});
afterEach(async () => {
  await handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('signing keyring', () => {
  it('creates one key on first refresh and stores its private half sealed only', async () => {
    const keyring = keyringOn();
    await keyring.refresh();
    const { kid } = keyring.current();
    const rows = await createPersistence(handle).stores.signingKeys.listUsable(0);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.kid).toBe(kid);
    expect(rows[0]?.privateKeySealed).toMatch(/^v1\./);
    expect(JSON.parse(rows[0]?.publicJwk ?? '{}')).not.toHaveProperty('d');
    expect(keyring.jwks().keys).toEqual([
      expect.objectContaining({ kid, kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' }),
    ]);
  });

  it('cannot be loaded with another master key', async () => {
    await keyringOn().refresh();
    await expect(keyringOn(randomBytes(32)).refresh()).rejects.toMatchObject({
      code: 'SEALED_VALUE_FAILED_AUTH',
    });
  });

  it('lets another node verify tokens signed with a key it has not loaded yet', async () => {
    const nodeA = keyringOn();
    const nodeB = keyringOn();
    await nodeA.refresh();
    await nodeB.refresh();
    await nodeA.rotate();
    const token = await tokensFor(nodeA).issue({ userId: 'u1', sessionId: 's1', roles: ['user'] });
    expect(nodeB.publicKey(nodeA.current().kid)).toBeUndefined();
    await expect(tokensFor(nodeB).verify(token)).resolves.toMatchObject({ sub: 'u1', sid: 's1' });
  });

  it('issues an RFC 9068 access token: EdDSA header with kid and typ, every claim, whole-second times', async () => {
    const keyring = keyringOn();
    await keyring.refresh();
    const token = await tokensFor(keyring).issue({
      userId: 'u1',
      sessionId: 's1',
      roles: ['user'],
      passwordChangeRequired: true,
    });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'EdDSA', kid: keyring.current().kid, typ: 'at+jwt' });
    expect(payload).toEqual({
      sid: 's1',
      roles: ['user'],
      password_change_required: true,
      iss: 'strongroom',
      aud: 'strongroom-api',
      sub: 'u1',
      iat: now / 1000,
      exp: now / 1000 + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    // A clock that is not a number issues no token at all (never one with `exp: null`).
    const broken = createAccessTokens({
      keyring,
      cache: createVerifiedTokenCache({ maxEntries: 0, clock }),
      clock: () => Number.NaN,
      issuer: 'strongroom',
      audience: 'strongroom-api',
      ttlSeconds: 900,
    });
    await expect(broken.issue({ userId: 'u1', sessionId: 's1', roles: [] })).rejects.toThrow(/whole seconds/);
  });

  it('reloads on unknown kids at most once per interval', async () => {
    const nodeA = keyringOn();
    const nodeB = keyringOn();
    await nodeA.refresh();
    await nodeB.refresh();
    expect(await nodeB.findPublicKey('made-up-1')).toBeUndefined();
    await nodeA.rotate();
    // Within the interval the miss is not retried against storage...
    expect(await nodeB.findPublicKey(nodeA.current().kid)).toBeUndefined();
    now += 5000;
    // ...after it, the new key is found.
    expect(await nodeB.findPublicKey(nodeA.current().kid)).toBeDefined();
  });

  it('keeps a retired key published until its tokens have expired, then drops it', async () => {
    const keyring = keyringOn();
    await keyring.refresh();
    const old = keyring.current().kid;
    const token = await tokensFor(keyring).issue({ userId: 'u1', sessionId: 's1', roles: ['user'] });
    await keyring.rotate();
    expect(keyring.jwks().keys.map((k) => k.kid)).toContain(old);
    await expect(tokensFor(keyring).verify(token)).resolves.not.toBeNull();
    now += 961_000;
    await keyring.refresh();
    expect(keyring.jwks().keys.map((k) => k.kid)).not.toContain(old);
  });

  it('rotates by itself when the active key is older than the rotation period', async () => {
    const keyring = keyringOn();
    await keyring.refresh();
    const first = keyring.current().kid;
    now += 86_400_000;
    await keyring.refresh();
    expect(keyring.current().kid).not.toBe(first);
    expect(keyring.jwks().keys).toHaveLength(2);
  });
});
