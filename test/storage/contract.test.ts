/**
 * The storage contract: one suite, run against every adapter. SQLite always runs (a temporary file); PostgreSQL runs
 * when STRONGROOM_DATABASE_URL is set, in a schema of its own that is dropped afterwards.
 * Tests share one database per adapter, so each creates its own rows and asserts on those (or on deltas).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiKeyRecord,
  createPersistence,
  type DatabaseHandle,
  migrateToLatest,
  openDatabase,
  rollBack,
  type SecurityEvent,
  type SessionRecord,
  type SigningKeyRecord,
  type Stores,
  type UserRecord,
} from '../../src/storage/index.js';

/** Enabled accounts holding any of `roles`, counted from the store's listing. */
async function countEnabledWithAnyRole(
  users: { listEnabledRoles(): Promise<Array<{ roles: string[] }>> },
  roles: readonly string[],
): Promise<number> {
  return (await users.listEnabledRoles()).filter((u) => u.roles.some((role) => roles.includes(role))).length;
}

const ALL_MIGRATIONS = [
  '0001-initial',
  '0002-vault',
  '0003-audit',
  '0004-policies',
  '0005-audit-details',
  '0006-user-subjects',
  '0007-key-lineage',
  '0008-audit-sinks',
  '0009-account-kinds',
  '0010-audit-sink-leases',
  '0011-audit-actor-subjects',
];

const DATABASE_URL = process.env.STRONGROOM_DATABASE_URL ?? null;

/** Past 2^31 and 2^32: an INTEGER column or a lossy conversion would not round-trip it. */
const NOW = 1_700_000_000_123;
const HOUR = 3_600_000;
/** The largest millisecond timestamp a Date can hold. */
const FAR_FUTURE = 8_640_000_000_000_000;

interface OpenedDatabase {
  handle: DatabaseHandle;
  cleanup: () => Promise<void>;
}

function hash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

function userRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: randomUUID(),
    username: `u${randomBytes(6).toString('hex')}`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
    roles: ['user'],
    disabled: false,
    credentialVersion: 0,
    createdAt: NOW,
    updatedAt: NOW,
    subject: null,
    attributes: {},
    mustChangePassword: false,
    service: false,
    ...overrides,
  };
}

function sessionRecord(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: randomUUID(),
    userId,
    credentialVersion: 0,
    createdAt: NOW,
    expiresAt: NOW + HOUR,
    revokedAt: null,
    revokedReason: null,
    ...overrides,
  };
}

function apiKeyRecord(userId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: randomUUID(),
    userId,
    name: 'ci',
    keyHash: hash(),
    sessionId: null,
    createdAt: NOW,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    roles: null,
    ...overrides,
  };
}

function signingKeyRecord(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid: randomBytes(8).toString('hex'),
    publicJwk: '{"kty":"EC","crv":"P-256"}',
    privateKeySealed: randomBytes(48).toString('base64url'),
    createdAt: NOW,
    retiredAt: null,
    ...overrides,
  };
}

function securityEvent(overrides: Partial<SecurityEvent> = {}): SecurityEvent {
  return {
    id: randomUUID(),
    occurredAt: NOW,
    type: 'login_failed',
    userId: null,
    sessionId: null,
    apiKeyId: null,
    clientAddress: null,
    detail: {},
    ...overrides,
  };
}

const UNIQUE_VIOLATION = {
  code: expect.stringMatching(/^(SQLITE_CONSTRAINT_UNIQUE|SQLITE_CONSTRAINT_PRIMARYKEY|23505)$/),
};

/** Every store method, against the database `open` returns (migrated here). */
function describeStorageContract(name: string, open: () => Promise<OpenedDatabase>): void {
  describe(name, () => {
    let opened: OpenedDatabase;
    let stores: Stores;
    let firstMigration: string[];

    beforeAll(async () => {
      opened = await open();
      firstMigration = await migrateToLatest(opened.handle.db as never);
      stores = createPersistence(opened.handle).stores;
    });

    afterAll(async () => {
      await opened?.handle.close();
      await opened?.cleanup();
    });

    describe('migrations', () => {
      it('apply once, then are a no-op', async () => {
        expect(firstMigration).toEqual(ALL_MIGRATIONS);
        expect(await migrateToLatest(opened.handle.db as never)).toEqual([]);
        expect(await stores.users.count()).toBeTypeOf('number');
      });
    });

    describe('users', () => {
      it('round-trips a user, with timestamps as numbers', async () => {
        const user = userRecord({ roles: ['admin', 'user'], createdAt: NOW, updatedAt: NOW + 1 });
        await stores.users.insert(user);
        const found = await stores.users.findById(user.id);
        expect(found).toEqual(user);
        expect(found?.createdAt).toBeTypeOf('number');
        expect(found?.updatedAt).toBeTypeOf('number');
        expect(await stores.users.findById(randomUUID())).toBeNull();
      });

      it('keeps service accounts and a pending password change; a reset sets the flag, a change clears it', async () => {
        const service = userRecord({ service: true });
        await stores.users.insert(service);
        expect(await stores.users.findById(service.id)).toEqual(service);
        const person = userRecord();
        await stores.users.insert(person);
        expect(await stores.users.changePassword(person.id, hash(), NOW + 1, 0, true)).toBe(1);
        expect(await stores.users.findById(person.id)).toMatchObject({
          mustChangePassword: true,
          service: false,
        });
        expect(await stores.users.changePassword(person.id, hash(), NOW + 2, 1)).toBe(2);
        expect((await stores.users.findById(person.id))?.mustChangePassword).toBe(false);
        // Inserted without either (the shape of every account before migration 0009): a person, no change pending.
        const { mustChangePassword: _m, service: _s, ...plain } = userRecord();
        await stores.users.insert(plain);
        expect(await stores.users.findById(plain.id)).toMatchObject({
          mustChangePassword: false,
          service: false,
        });
      });

      it('finds a username case-insensitively and refuses the same name in another case', async () => {
        const base = `Alice${randomBytes(4).toString('hex')}`;
        const user = userRecord({ username: base });
        await stores.users.insert(user);
        for (const spelling of [base, base.toLowerCase(), base.toUpperCase()]) {
          expect((await stores.users.findByUsername(spelling))?.id).toBe(user.id);
          expect(await stores.users.existsByUsername(spelling)).toBe(true);
        }
        // NFKC folds the full-width "Ａ" to "A".
        expect((await stores.users.findByUsername(`\uFF21${base.slice(1)}`))?.id).toBe(user.id);
        expect(await stores.users.findByUsername(`${base}x`)).toBeNull();
        expect(await stores.users.existsByUsername(`${base}x`)).toBe(false);

        const before = await stores.users.count();
        await expect(stores.users.insert(userRecord({ username: base.toUpperCase() }))).rejects.toMatchObject(
          UNIQUE_VIOLATION,
        );
        expect(await stores.users.count()).toBe(before);
        expect((await stores.users.findByUsername(base))?.username).toBe(base);
      });

      it('refuses a duplicate id', async () => {
        const user = userRecord();
        await stores.users.insert(user);
        await expect(stores.users.insert({ ...user, username: `${user.username}2` })).rejects.toMatchObject(
          UNIQUE_VIOLATION,
        );
      });

      it('pages by keyset through users created in the same millisecond, each exactly once', async () => {
        // Later than any other user in this suite, so the page walk below sees only these five.
        const createdAt = NOW + 1_000 * HOUR;
        const group = Array.from({ length: 5 }, () => userRecord({ createdAt, updatedAt: createdAt }));
        for (const user of group) await stores.users.insert(user);
        const expected = group.map((u) => u.id).sort();

        const seen: string[] = [];
        let after: { createdAt: number; id: string } = { createdAt: createdAt - 1, id: '' };
        const sizes: number[] = [];
        for (;;) {
          const page = await stores.users.list({ after, limit: 2 });
          if (page.length === 0) break;
          sizes.push(page.length);
          seen.push(...page.map((u) => u.id));
          const last = page.at(-1) as UserRecord;
          after = { createdAt: last.createdAt, id: last.id };
          expect(sizes.length).toBeLessThan(10);
        }
        expect(sizes).toEqual([2, 2, 1]);
        expect(seen).toEqual(expected);

        const all = await stores.users.list({ after: null, limit: 1_000 });
        const keys = all.map((u) => [u.createdAt, u.id] as const);
        const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
        expect(keys).toEqual(sorted);
        expect(all.slice(-5).map((u) => u.id)).toEqual(expected);
        expect(await stores.users.list({ after: null, limit: 3 })).toEqual(all.slice(0, 3));
      });

      it('counts enabled holders of any of the given roles only', async () => {
        const before = await countEnabledWithAnyRole(stores.users, ['admin']);
        const beforeEither = await countEnabledWithAnyRole(stores.users, ['admin', 'support']);
        await stores.users.insert(userRecord({ roles: ['admin'] }));
        await stores.users.insert(userRecord({ roles: ['user', 'admin'] }));
        await stores.users.insert(userRecord({ roles: ['admin'], disabled: true }));
        await stores.users.insert(userRecord({ roles: ['user'] }));
        // A role merely containing the word is not the admin role.
        await stores.users.insert(userRecord({ roles: ['administrator'] }));
        expect(await countEnabledWithAnyRole(stores.users, ['admin'])).toBe(before + 2);
        await stores.users.insert(userRecord({ roles: ['support'] }));
        await stores.users.insert(userRecord({ roles: ['support_x'] }));
        expect(await countEnabledWithAnyRole(stores.users, ['admin', 'support'])).toBe(beforeEither + 3);
        expect(await countEnabledWithAnyRole(stores.users, [])).toBe(0);
        // Locking changes nothing; listing gives every enabled account with its roles, and no disabled one.
        const disabled = userRecord({ roles: ['support'], disabled: true });
        await stores.users.insert(disabled);
        await stores.users.lockForAdministration(disabled.id);
        expect(await countEnabledWithAnyRole(stores.users, ['admin', 'support'])).toBe(beforeEither + 3);
        const enabled = await stores.users.listEnabledRoles();
        expect(enabled.some((u) => u.id === disabled.id)).toBe(false);
        expect(enabled.filter((u) => u.roles.includes('support'))).toHaveLength(
          await countEnabledWithAnyRole(stores.users, ['support']),
        );
      });

      it('counts users', async () => {
        const before = await stores.users.count();
        await stores.users.insert(userRecord());
        await stores.users.insert(userRecord());
        expect(await stores.users.count()).toBe(before + 2);
      });

      it('updates roles, disabled and the password hash, touching only what is given', async () => {
        const user = userRecord({ roles: ['user'] });
        const other = userRecord();
        await stores.users.insert(user);
        await stores.users.insert(other);

        await stores.users.update(user.id, { roles: ['admin'] }, NOW + 10);
        expect(await stores.users.findById(user.id)).toEqual({
          ...user,
          roles: ['admin'],
          updatedAt: NOW + 10,
        });
        await stores.users.update(user.id, { disabled: true }, NOW + 20);
        expect(await stores.users.findById(user.id)).toEqual({
          ...user,
          roles: ['admin'],
          disabled: true,
          updatedAt: NOW + 20,
        });
        await stores.users.update(user.id, { disabled: false, roles: [] }, NOW + 30);
        expect(await stores.users.findById(user.id)).toMatchObject({
          roles: [],
          disabled: false,
          updatedAt: NOW + 30,
        });
        expect(await stores.users.changePassword(user.id, '$2b$12$newhash', NOW + 40, 0)).toBe(1);
        // A change based on a stale version (a racing change got there first) writes nothing.
        expect(await stores.users.changePassword(user.id, '$2b$12$other', NOW + 45, 0)).toBeNull();
        expect(await stores.users.findById(user.id)).toMatchObject({
          passwordHash: '$2b$12$newhash',
          credentialVersion: 1,
          updatedAt: NOW + 40,
        });
        // A rehash applies only while the stored hash is still the one that was verified.
        expect(await stores.users.rehashPassword(user.id, 'stale-hash', '$argon2id$x', NOW + 50)).toBe(false);
        expect(await stores.users.rehashPassword(user.id, '$2b$12$newhash', '$argon2id$y', NOW + 50)).toBe(
          true,
        );
        expect(await stores.users.findById(user.id)).toMatchObject({
          passwordHash: '$argon2id$y',
          credentialVersion: 1,
        });

        expect(await stores.users.findById(other.id)).toEqual(other);
      });

      it('deletes a user with their sessions, refresh tokens and API keys, and nobody else’s', async () => {
        const user = userRecord();
        const bystander = userRecord();
        await stores.users.insert(user);
        await stores.users.insert(bystander);
        const session = sessionRecord(user.id);
        const keptSession = sessionRecord(bystander.id);
        const refreshHash = hash();
        const key = apiKeyRecord(user.id);
        const keptKey = apiKeyRecord(bystander.id);
        await stores.sessions.insertSession(session);
        await stores.sessions.insertSession(keptSession);
        await stores.sessions.insertRefreshToken({
          tokenHash: refreshHash,
          sessionId: session.id,
          createdAt: NOW,
          expiresAt: NOW + HOUR,
          usedAt: null,
        });
        await stores.apiKeys.insert(key);
        await stores.apiKeys.insert(keptKey);

        expect(await stores.users.delete(user.id)).toBe(true);
        expect(await stores.users.findById(user.id)).toBeNull();
        expect(await stores.sessions.findSession(session.id)).toBeNull();
        expect(await stores.sessions.findRefreshToken(refreshHash)).toBeNull();
        expect(await stores.apiKeys.findById(key.id)).toBeNull();
        expect(await stores.apiKeys.findByHash(key.keyHash)).toBeNull();
        expect(await stores.users.delete(user.id)).toBe(false);

        expect(await stores.users.findById(bystander.id)).toEqual(bystander);
        expect(await stores.sessions.findSession(keptSession.id)).toEqual(keptSession);
        expect(await stores.apiKeys.findById(keptKey.id)).toEqual(keptKey);
      });

      it('refuses a session or API key for a user who does not exist', async () => {
        await expect(stores.sessions.insertSession(sessionRecord(randomUUID()))).rejects.toThrow();
        await expect(stores.apiKeys.insert(apiKeyRecord(randomUUID()))).rejects.toThrow();
      });
    });

    describe('sessions', () => {
      let user: UserRecord;
      beforeAll(async () => {
        user = userRecord();
        await stores.users.insert(user);
      });

      it('round-trips a session and a refresh token, with timestamps as numbers', async () => {
        const session = sessionRecord(user.id, { expiresAt: FAR_FUTURE });
        await stores.sessions.insertSession(session);
        const found = await stores.sessions.findSession(session.id);
        expect(found).toEqual(session);
        expect(found?.createdAt).toBeTypeOf('number');
        expect(found?.expiresAt).toBeTypeOf('number');
        expect(await stores.sessions.findSession(randomUUID())).toBeNull();
        // With its user, in one query (authentication's hot path).
        expect(await stores.sessions.findSessionWithUser(session.id)).toEqual({ session, user });
        expect(await stores.sessions.findSessionWithUser(randomUUID())).toBeNull();

        const token = {
          tokenHash: hash(),
          sessionId: session.id,
          createdAt: NOW,
          expiresAt: NOW + HOUR,
          usedAt: null,
        };
        await stores.sessions.insertRefreshToken(token);
        const foundToken = await stores.sessions.findRefreshToken(token.tokenHash);
        expect(foundToken).toEqual(token);
        expect(foundToken?.expiresAt).toBeTypeOf('number');
        expect(await stores.sessions.findRefreshToken(hash())).toBeNull();
        await expect(stores.sessions.insertRefreshToken(token)).rejects.toMatchObject(UNIQUE_VIOLATION);
      });

      it('consumes a refresh token exactly once', async () => {
        const session = sessionRecord(user.id);
        await stores.sessions.insertSession(session);
        const tokenHash = hash();
        await stores.sessions.insertRefreshToken({
          tokenHash,
          sessionId: session.id,
          createdAt: NOW,
          expiresAt: NOW + HOUR,
          usedAt: null,
        });
        const [first, second] = await Promise.all([
          stores.sessions.consumeRefreshToken(tokenHash, NOW + 5),
          stores.sessions.consumeRefreshToken(tokenHash, NOW + 6),
        ]);
        expect([first, second].filter(Boolean)).toHaveLength(1);
        expect(await stores.sessions.consumeRefreshToken(tokenHash, NOW + 7)).toBe(false);
        expect((await stores.sessions.findRefreshToken(tokenHash))?.usedAt).toBe(first ? NOW + 5 : NOW + 6);
        expect(await stores.sessions.consumeRefreshToken(hash(), NOW)).toBe(false);
      });

      it('revokes a session once, keeping the first revocation', async () => {
        const session = sessionRecord(user.id);
        await stores.sessions.insertSession(session);
        expect(await stores.sessions.revokeSession(session.id, 'logout', NOW + 1)).toBe(true);
        expect(await stores.sessions.revokeSession(session.id, 'other', NOW + 2)).toBe(false);
        expect(await stores.sessions.findSession(session.id)).toEqual({
          ...session,
          revokedAt: NOW + 1,
          revokedReason: 'logout',
        });
        expect(await stores.sessions.revokeSession(randomUUID(), 'logout', NOW)).toBe(false);
      });

      it('revokes every live session of one user except the one kept', async () => {
        const owner = userRecord();
        const other = userRecord();
        await stores.users.insert(owner);
        await stores.users.insert(other);
        const keep = sessionRecord(owner.id);
        const a = sessionRecord(owner.id);
        const b = sessionRecord(owner.id);
        const old = sessionRecord(owner.id, { revokedAt: NOW - 1, revokedReason: 'logout' });
        const foreign = sessionRecord(other.id);
        for (const s of [keep, a, b, old, foreign]) await stores.sessions.insertSession(s);

        const revoked = await stores.sessions.revokeUserSessions(
          owner.id,
          'password_changed',
          NOW + 3,
          keep.id,
        );
        expect([...revoked].sort()).toEqual([a.id, b.id].sort());
        for (const s of [a, b]) {
          expect(await stores.sessions.findSession(s.id)).toMatchObject({
            revokedAt: NOW + 3,
            revokedReason: 'password_changed',
          });
        }
        expect(await stores.sessions.findSession(keep.id)).toEqual(keep);
        expect(await stores.sessions.findSession(old.id)).toEqual(old);
        expect(await stores.sessions.findSession(foreign.id)).toEqual(foreign);

        expect(await stores.sessions.revokeUserSessions(owner.id, 'disabled', NOW + 4)).toEqual([keep.id]);
        expect(await stores.sessions.findSession(keep.id)).toMatchObject({
          revokedAt: NOW + 4,
          revokedReason: 'disabled',
        });
        expect(await stores.sessions.revokeUserSessions(owner.id, 'disabled', NOW + 5)).toEqual([]);
        expect(await stores.sessions.findSession(foreign.id)).toEqual(foreign);
      });

      it('lists sessions revoked at or after a time', async () => {
        const early = sessionRecord(user.id);
        const atBoundary = sessionRecord(user.id);
        const late = sessionRecord(user.id);
        const live = sessionRecord(user.id);
        for (const s of [early, atBoundary, late, live]) await stores.sessions.insertSession(s);
        const since = NOW + 100 * HOUR;
        await stores.sessions.revokeSession(early.id, 'logout', since - 1);
        await stores.sessions.revokeSession(atBoundary.id, 'logout', since);
        await stores.sessions.revokeSession(late.id, 'logout', since + 1);

        const listed = await stores.sessions.listRevokedSince(since);
        const mine = listed.filter((r) => [early.id, atBoundary.id, late.id, live.id].includes(r.id));
        expect(mine.sort((x, y) => x.revokedAt - y.revokedAt)).toEqual([
          { id: atBoundary.id, revokedAt: since },
          { id: late.id, revokedAt: since + 1 },
        ]);
        for (const r of listed) expect(r.revokedAt).toBeTypeOf('number');
      });

      it('deletes expired sessions and refresh tokens only', async () => {
        const now = NOW - HOUR;
        const expired = sessionRecord(user.id, { expiresAt: now - 1 });
        const live = sessionRecord(user.id, { expiresAt: now + 1 });
        const edge = sessionRecord(user.id, { expiresAt: now });
        for (const s of [expired, live, edge]) await stores.sessions.insertSession(s);
        const token = (sessionId: string, expiresAt: number) => ({
          tokenHash: hash(),
          sessionId,
          createdAt: now - HOUR,
          expiresAt,
          usedAt: null,
        });
        const expiredToken = token(live.id, now - 1);
        const liveToken = token(live.id, now + 1);
        const orphaned = token(expired.id, now + 1);
        for (const r of [expiredToken, liveToken, orphaned]) await stores.sessions.insertRefreshToken(r);

        await stores.sessions.deleteExpired(now);

        expect(await stores.sessions.findSession(expired.id)).toBeNull();
        expect(await stores.sessions.findSession(live.id)).toEqual(live);
        expect(await stores.sessions.findSession(edge.id)).toEqual(edge);
        expect(await stores.sessions.findRefreshToken(expiredToken.tokenHash)).toBeNull();
        expect(await stores.sessions.findRefreshToken(liveToken.tokenHash)).toEqual(liveToken);
        // Its session is gone, so the token goes with it (cascade), even though it has not expired itself.
        expect(await stores.sessions.findRefreshToken(orphaned.tokenHash)).toBeNull();
      });
    });

    describe('API keys', () => {
      let user: UserRecord;
      beforeAll(async () => {
        user = userRecord();
        await stores.users.insert(user);
      });

      it('round-trips a key by hash and by id, with timestamps as numbers', async () => {
        const key = apiKeyRecord(user.id, { expiresAt: FAR_FUTURE, lastUsedAt: NOW - 1, name: 'deploy bot' });
        await stores.apiKeys.insert(key);
        const byHash = await stores.apiKeys.findByHash(key.keyHash);
        expect(byHash).toEqual(key);
        expect(byHash?.createdAt).toBeTypeOf('number');
        expect(byHash?.expiresAt).toBeTypeOf('number');
        expect(byHash?.lastUsedAt).toBeTypeOf('number');
        expect(await stores.apiKeys.findById(key.id)).toEqual(key);
        expect(await stores.apiKeys.findByHash(hash())).toBeNull();
        expect(await stores.apiKeys.findById(randomUUID())).toBeNull();
        await expect(
          stores.apiKeys.insert(apiKeyRecord(user.id, { keyHash: key.keyHash })),
        ).rejects.toMatchObject(UNIQUE_VIOLATION);
      });

      it('lists one user’s live keys, newest first', async () => {
        const owner = userRecord();
        const other = userRecord();
        await stores.users.insert(owner);
        await stores.users.insert(other);
        const older = apiKeyRecord(owner.id, { createdAt: NOW });
        const newer = apiKeyRecord(owner.id, { createdAt: NOW + 1 });
        const revoked = apiKeyRecord(owner.id, { createdAt: NOW + 2 });
        const foreign = apiKeyRecord(other.id, { createdAt: NOW + 3 });
        for (const k of [older, newer, revoked, foreign]) await stores.apiKeys.insert(k);
        expect(await stores.apiKeys.revoke(revoked.id, 'revoked_by_owner', NOW + 4)).toBe(true);

        expect(await stores.apiKeys.listByUser(owner.id)).toEqual([newer, older]);
        expect(await stores.apiKeys.listByUser(randomUUID())).toEqual([]);
      });

      it('revokes a key once, keeping the first revocation', async () => {
        const key = apiKeyRecord(user.id);
        await stores.apiKeys.insert(key);
        expect(await stores.apiKeys.revoke(key.id, 'exposed_over_http', NOW + 1)).toBe(true);
        expect(await stores.apiKeys.revoke(key.id, 'revoked_by_owner', NOW + 2)).toBe(false);
        expect(await stores.apiKeys.findByHash(key.keyHash)).toEqual({ ...key, revokedAt: NOW + 1 });
        expect(await stores.apiKeys.revoke(randomUUID(), 'revoked_by_owner', NOW)).toBe(false);
      });

      it('revokes every live key of one user but those of the kept session, a key with no session included', async () => {
        const owner = userRecord();
        const other = userRecord();
        await stores.users.insert(owner);
        await stores.users.insert(other);
        const keep = randomUUID();
        const kept = apiKeyRecord(owner.id, { sessionId: keep });
        const ofOtherSession = apiKeyRecord(owner.id, { sessionId: randomUUID() });
        const ofNoSession = apiKeyRecord(owner.id, { sessionId: null });
        const alreadyRevoked = apiKeyRecord(owner.id, { sessionId: randomUUID() });
        const foreign = apiKeyRecord(other.id, { sessionId: randomUUID() });
        for (const k of [kept, ofOtherSession, ofNoSession, alreadyRevoked, foreign])
          await stores.apiKeys.insert(k);
        await stores.apiKeys.revoke(alreadyRevoked.id, 'revoked_by_owner', NOW + 1);

        const revoked = await stores.apiKeys.revokeUserKeys(owner.id, 'password_changed', NOW + 2, keep);
        expect(revoked.sort()).toEqual([ofOtherSession.id, ofNoSession.id].sort());
        expect(await stores.apiKeys.findById(ofNoSession.id)).toEqual({ ...ofNoSession, revokedAt: NOW + 2 });
        expect(await stores.apiKeys.findById(alreadyRevoked.id)).toEqual({
          ...alreadyRevoked,
          revokedAt: NOW + 1,
        });
        expect(await stores.apiKeys.findById(kept.id)).toEqual(kept);
        expect(await stores.apiKeys.findById(foreign.id)).toEqual(foreign);
        // Without a kept session, every live key goes.
        expect(await stores.apiKeys.revokeUserKeys(owner.id, 'password_changed', NOW + 3)).toEqual([kept.id]);
      });

      it('records the last use of one key only', async () => {
        const key = apiKeyRecord(user.id);
        const other = apiKeyRecord(user.id);
        await stores.apiKeys.insert(key);
        await stores.apiKeys.insert(other);
        await stores.apiKeys.touch(key.id, NOW + 60_000);
        expect(await stores.apiKeys.findById(key.id)).toEqual({ ...key, lastUsedAt: NOW + 60_000 });
        expect(await stores.apiKeys.findById(other.id)).toEqual(other);
      });
    });

    describe('signing keys', () => {
      it('lists usable keys newest first and retires all but one', async () => {
        const retiredLongAgo = signingKeyRecord({ createdAt: NOW - 3 * HOUR, retiredAt: NOW - 2 * HOUR });
        const retiredRecently = signingKeyRecord({ createdAt: NOW - 2 * HOUR, retiredAt: NOW - 10 });
        const previous = signingKeyRecord({ createdAt: NOW - HOUR });
        const current = signingKeyRecord({ createdAt: NOW });
        for (const k of [retiredLongAgo, retiredRecently, previous, current])
          await stores.signingKeys.insert(k);
        await expect(stores.signingKeys.insert(signingKeyRecord({ kid: current.kid }))).rejects.toMatchObject(
          UNIQUE_VIOLATION,
        );

        const usable = await stores.signingKeys.listUsable(NOW - HOUR);
        expect(usable).toEqual([current, previous, retiredRecently]);
        expect(usable[0]?.createdAt).toBeTypeOf('number');
        expect(usable[2]?.retiredAt).toBeTypeOf('number');
        // Retired exactly at the cut-off: its tokens have all expired.
        expect((await stores.signingKeys.listUsable(NOW - 10)).map((k) => k.kid)).toEqual([
          current.kid,
          previous.kid,
        ]);

        await stores.signingKeys.retireAllExcept(current.kid, NOW + 5);
        expect(await stores.signingKeys.listUsable(NOW + 4)).toEqual([
          current,
          { ...previous, retiredAt: NOW + 5 },
        ]);
        // An already retired key keeps its original retirement time.
        expect(await stores.signingKeys.listUsable(NOW - HOUR)).toEqual([
          current,
          { ...previous, retiredAt: NOW + 5 },
          retiredRecently,
        ]);
        expect(await stores.signingKeys.listUsable(NOW + 5)).toEqual([current]);
      });
    });

    describe('security events', () => {
      it('stores events with their identifiers and detail, and filters by type in time order', async () => {
        const type = `test_${randomBytes(4).toString('hex')}`;
        const later = securityEvent({
          type,
          occurredAt: NOW + 2,
          userId: randomUUID(),
          sessionId: randomUUID(),
          apiKeyId: randomUUID(),
          clientAddress: '2001:db8::1',
          detail: { credential: 'api_key', attempts: 3, locked: true, reason: null },
        });
        const earlier = securityEvent({ type, occurredAt: NOW + 1 });
        const otherType = securityEvent({ type: `${type}_other`, occurredAt: NOW });
        for (const e of [later, earlier, otherType]) await stores.securityEvents.insert(e);

        const listed = await stores.securityEvents.list({ type });
        expect(listed).toEqual([earlier, later]);
        expect(listed[0]?.occurredAt).toBeTypeOf('number');
        expect(await stores.securityEvents.list({ type: `${type}_none` })).toEqual([]);

        const all = await stores.securityEvents.list();
        expect(all).toEqual(expect.arrayContaining([earlier, later, otherType]));
        const times = all.map((e) => e.occurredAt);
        expect(times).toEqual([...times].sort((a, b) => a - b));
      });
    });

    describe('transactions', () => {
      it('commit every write of the work together', async () => {
        const user = userRecord();
        const session = sessionRecord(user.id);
        const result = await createPersistence(opened.handle).transaction(async (tx) => {
          await tx.users.insert(user);
          await tx.sessions.insertSession(session);
          return 'done';
        });
        expect(result).toBe('done');
        expect(await stores.users.findById(user.id)).toEqual(user);
        expect(await stores.sessions.findSession(session.id)).toEqual(session);
      });

      it('roll back every write when the work throws', async () => {
        const user = userRecord();
        const session = sessionRecord(user.id);
        const failure = new Error('boom');
        const before = await stores.users.count();
        await expect(
          createPersistence(opened.handle).transaction(async (tx) => {
            await tx.users.insert(user);
            await tx.sessions.insertSession(session);
            expect(await tx.users.findById(user.id)).toEqual(user);
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await stores.users.findById(user.id)).toBeNull();
        expect(await stores.users.findByUsername(user.username)).toBeNull();
        expect(await stores.sessions.findSession(session.id)).toBeNull();
        expect(await stores.users.count()).toBe(before);
      });

      it('roll back every write and resolve to the value when the work returns rollBack(value)', async () => {
        const user = userRecord();
        const session = sessionRecord(user.id);
        const result = await createPersistence(opened.handle).transaction(async (tx) => {
          await tx.users.insert(user);
          await tx.sessions.insertSession(session);
          expect(await tx.users.findById(user.id)).toEqual(user);
          return rollBack('lease lost');
        });
        expect(result).toBe('lease lost');
        expect(await stores.users.findById(user.id)).toBeNull();
        expect(await stores.sessions.findSession(session.id)).toBeNull();
        // The connection is usable afterwards (SQLite has one: a transaction left open would block this).
        await createPersistence(opened.handle).transaction(async (tx) => tx.users.insert(user));
        expect(await stores.users.findById(user.id)).toEqual(user);
      });

      it('roll back earlier writes when a later statement fails', async () => {
        const user = userRecord();
        const taken = userRecord();
        await stores.users.insert(taken);
        await expect(
          createPersistence(opened.handle).transaction(async (tx) => {
            await tx.users.insert(user);
            await tx.users.insert(userRecord({ username: taken.username }));
          }),
        ).rejects.toMatchObject(UNIQUE_VIOLATION);
        expect(await stores.users.findById(user.id)).toBeNull();
      });
    });
  });
}

describe('SQLite adapter', () => {
  let dir: string;
  let sqlitePath: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-contract-'));
    sqlitePath = path.join(dir, 'data', 'strongroom.db');
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  describeStorageContract('contract', async () => ({
    handle: await openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath }),
    cleanup: async () => {},
  }));

  it('creates the database file owner-only, in WAL mode, with foreign keys enforced', async () => {
    const file = path.join(dir, 'modes', 'strongroom.db');
    const handle = await openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath: file });
    try {
      expect(handle.kind).toBe('sqlite');
      await migrateToLatest(handle.db as never);
      await createPersistence(handle).stores.users.insert(userRecord());
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      expect((await fs.stat(path.dirname(file))).mode & 0o077).toBe(0);
      // SQLite gives the WAL file the database file's mode.
      expect((await fs.stat(`${file}-wal`)).mode & 0o777).toBe(0o600);
      const journal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(handle.db);
      expect(journal.rows[0]?.journal_mode).toBe('wal');
      const foreignKeys = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(handle.db);
      expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it('tightens the mode of an existing database file', async () => {
    const file = path.join(dir, 'loose', 'strongroom.db');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '', { mode: 0o644 });
    await fs.chmod(file, 0o644);
    const handle = await openDatabase({ databaseUrl: null, databaseSchema: null, sqlitePath: file });
    await handle.close();
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe.skipIf(DATABASE_URL === null)('PostgreSQL adapter', () => {
  const url = DATABASE_URL ?? '';
  const schema = `contract_${randomBytes(6).toString('hex')}`;

  async function dropSchema(): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  }

  afterAll(async () => {
    await dropSchema();
  });

  describeStorageContract('contract', async () => ({
    handle: await openDatabase({ databaseUrl: url, databaseSchema: schema, sqlitePath: '' }),
    cleanup: dropSchema,
  }));

  it('keeps its tables in its own schema', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      );
      // The contract suite above has run (and dropped the schema), so open it afresh to look inside.
      expect(tables.rows).toEqual([]);
      const handle = await openDatabase({ databaseUrl: url, databaseSchema: schema, sqlitePath: '' });
      try {
        expect(handle.kind).toBe('postgres');
        await migrateToLatest(handle.db as never);
        const after = await client.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [schema],
        );
        expect(after.rows.map((r) => r.table_name)).toEqual(
          expect.arrayContaining([
            'api_keys',
            'refresh_tokens',
            'security_events',
            'sessions',
            'signing_keys',
            'users',
          ]),
        );
      } finally {
        await handle.close();
      }
    } finally {
      await client.end();
    }
  });

  it('migrates a schema of its own while another schema of the database already holds a Strongroom', async () => {
    const other = `${schema}_other`;
    await dropSchema();
    const first = await openDatabase({ databaseUrl: url, databaseSchema: other, sqlitePath: '' });
    const second = await openDatabase({ databaseUrl: url, databaseSchema: schema, sqlitePath: '' });
    try {
      expect(await migrateToLatest(first.db as never)).toEqual(ALL_MIGRATIONS);
      // Kysely would take the other schema's bookkeeping tables for this one's unless told which schema is ours.
      expect(await migrateToLatest(second.db as never)).toEqual(ALL_MIGRATIONS);
      await createPersistence(second).stores.users.count();
    } finally {
      await first.close();
      await second.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
      await client.end();
      await dropSchema();
    }
  });
});
