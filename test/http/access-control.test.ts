/**
 * Guarantee (OWASP API1 broken object-level and API5 broken function-level authorization): every route the app
 * registers or documents is in one table, and each is called by every kind of caller (anonymous, a forged token, a
 * user, another user, an admin, and both users' API keys) with the outcome each must get. Function level: the
 * declared access (public, any authenticated caller, an interactive session, or an admin) and the policy's
 * admin-only actions (`erase`, `manage_keys`, `read_audit`, `introspect`, `read_metrics`, `read_posture`,
 * …). Object level, under the built-in
 * policy, on records and tokens owned by `user`: the owner (by session or API key) and admins may reveal, change,
 * delete, tokenize, detokenize and delete tokens of them; `otherUser` is refused (403, or TOKEN_NOT_FOUND exactly
 * as for a missing token), sees them masked only, and refused calls change nothing. Also: a user sees and revokes
 * only their own sessions and API keys; admins cannot remove the last enabled admin; deleting or disabling a user
 * cuts off every credential they hold at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type HTTPMethods, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/index.js';
import { AppError } from '../../src/errors.js';
import authenticate from '../../src/http/plugins/authenticate.js';
import errorHandler from '../../src/http/plugins/error-handler.js';
import type { Access } from '../../src/http/types.js';
import { ACTIONS, type Action, defaultPolicyDocument } from '../../src/policy/index.js';
import { type Collection, hashToken, systemCaller } from '../../src/services/index.js';
import {
  createTestApp,
  createUser,
  loggedInUser,
  login,
  strongPassword,
  TEST_DATABASE_URL,
  type TestApp,
} from '../helpers/test-app.js';
import { PATIENT_FIELDS } from '../helpers/vault.js';

let t: TestApp;
// Matrix users share one password, hashed once, so the matrix does not run argon2 for every cell.

/** Enabled accounts holding any of `roles`, counted from the store's listing. */
async function countEnabledWithAnyRole(
  users: { listEnabledRoles(): Promise<Array<{ roles: string[] }>> },
  roles: readonly string[],
): Promise<number> {
  return (await users.listEnabledRoles()).filter((u) => u.roles.some((role) => roles.includes(role))).length;
}

const MATRIX_PASSWORD = strongPassword();
let matrixHash: string;

/** The collection the matrix's records live in, and a finished-or-running key job for GET /v1/keys/jobs/:id. */
const MATRIX = 'matrix';
let matrix: Collection;
let jobId: string;

beforeAll(async () => {
  // Every route is asked by anonymous and forged-token callers under every policy, all from one address: the
  // per-address `auth` quota (failed authentications count) must outlast the matrix, which grows with each route.
  t = await createTestApp({ env: { STRONGROOM_QUOTA_AUTH_CAPACITY: '5000' } });
  matrixHash = await t.services.hasher.hash(MATRIX_PASSWORD);
  const owner = await insertUser(['admin']);
  matrix = await t.services.collections.create(owner.id, { name: MATRIX, fields: [...PATIENT_FIELDS] });
  const rotated = await newCollection(owner.id);
  jobId = (
    await t.services.keyRotation.rotate(
      owner.id,
      { target: 'collection', collection: rotated.name, index: false },
      { actor: `user:${owner.id}` },
    )
  ).id;
});
afterAll(async () => {
  await t.close();
});

interface LoggedIn {
  id: string;
  username: string;
  password: string;
  headers: Record<string, string>;
  sessionId: string;
}

async function createKey(
  userId: string,
  sessionId: string = randomUUID(),
): Promise<{ id: string; key: string }> {
  const created = await t.services.apiKeys.create(userId, sessionId, {
    name: `key-${randomBytes(3).toString('hex')}`,
  });
  return { id: created.id, key: created.key };
}

/** A user inserted straight into the store, with the matrix password. */
async function insertUser(roles: string[] = ['user']): Promise<{ id: string; username: string }> {
  const id = randomUUID();
  const username = `x${randomBytes(6).toString('hex')}`;
  const now = Date.now();
  await t.services.stores.users.insert({
    id,
    username,
    passwordHash: matrixHash,
    roles,
    disabled: false,
    credentialVersion: 0,
    createdAt: now,
    updatedAt: now,
  });
  return { id, username };
}

/** A service account inserted straight into the store (no password anyone holds). */
async function insertServiceAccount(): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await t.services.stores.users.insert({
    id,
    username: `s${randomBytes(6).toString('hex')}`,
    passwordHash: matrixHash,
    roles: ['user'],
    disabled: false,
    credentialVersion: 0,
    createdAt: now,
    updatedAt: now,
    service: true,
  });
  return id;
}

/** A key of service account `userId`, minted through the service (no policy asked). */
function mintServiceKey(userId: string): Promise<{ id: string; key: string }> {
  return t.services.serviceKeys.mint(
    userId,
    { name: 'matrix' },
    { userId: randomUUID(), mayHandleRoles: () => undefined },
  );
}

/** A matrix user with a live session, started without a password check (login itself is tested elsewhere). */
async function sessionUser(roles: string[]): Promise<LoggedIn> {
  const user = await insertUser(roles);
  const { sessionId } = await t.services.sessions.start(user.id, 0);
  const token = await t.services.accessTokens.issue({ userId: user.id, sessionId, roles });
  return { ...user, password: MATRIX_PASSWORD, sessionId, headers: { authorization: `Bearer ${token}` } };
}

function me(headers: Record<string, string>) {
  return t.app.inject({ url: '/v1/me', headers });
}

function errorCode(response: LightMyRequestResponse): string | undefined {
  return (response.json() as { error?: { code?: string } }).error?.code;
}

// ---------------------------------------------------------------------------------------------------------------
// Objects for the object-level cells: records and tokens created by `user` (never by `otherUser`).
// ---------------------------------------------------------------------------------------------------------------

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const between = (low: number, high: number) => low + (randomBytes(4).readUInt32BE() % (high - low + 1));

/** A collection of its own (e.g. for a key rotation, which refuses a second job on a key while one runs). */
function newCollection(createdBy: string): Promise<Collection> {
  return t.services.collections.create(createdBy, {
    name: `m${hex(6)}`,
    fields: [{ name: 'note', type: 'string' }],
  });
}

interface Owned {
  id: string;
  /** Plain values unique to this record: none may appear in a response that is not allowed to show them. */
  ssn: string;
  name: string;
  subject: string;
  tenant: string;
  age: number;
}

/** A fresh record in the matrix collection, created by `cast.user` through the services (the policy decides). */
async function ownedRecord(cast: Cast): Promise<Owned> {
  const owned = {
    ssn: `${between(100, 599)}-${between(10, 99)}-${between(1000, 9999)}`,
    name: `Matrix Person ${hex(4)}`,
    subject: `subject-${hex(8)}`,
    tenant: `tenant-${hex(6)}`,
    age: between(20, 60),
  };
  const caller = systemCaller(cast.user.id, ['user'], 'support');
  const { id } = await t.services.records.create(caller, matrix, {
    subject: owned.subject,
    fields: {
      name: owned.name,
      email: `m.${hex(4)}@example.com`,
      ssn: owned.ssn,
      card: '4242424242424242',
      phone: '+14155550123',
      tenant_id: owned.tenant,
      age: owned.age,
    },
  });
  return { id, ...owned };
}

/** A random token of the SSN of a fresh record, both created by `cast.user`. */
async function ownedToken(cast: Cast): Promise<{ token: string; record: Owned }> {
  const record = await ownedRecord(cast);
  const { token } = await t.services.tokens.tokenize(systemCaller(cast.user.id, ['user'], 'support'), {
    kind: 'random',
    source: { collection: MATRIX, record: record.id, field: 'ssn' },
  });
  return { token, record };
}

const tokenRows = async (token: string) =>
  (await t.services.stores.tokens.find(hashToken(token), null, 50)).length;
const recordRow = (id: string) => t.services.stores.records.find(matrix.id, id);
const recordUrl = (id: string) => `/v1/collections/${MATRIX}/records/${id}`;
/** The error body without its request id, to compare two refusals. */
const errorBody = (response: LightMyRequestResponse) => ({ ...response.json().error, request_id: undefined });

// ---------------------------------------------------------------------------------------------------------------
// The matrix: every route × every kind of caller.
// ---------------------------------------------------------------------------------------------------------------

const ACTORS = ['anonymous', 'invalidToken', 'user', 'otherUser', 'admin', 'userKey', 'adminKey'] as const;
type ActorName = (typeof ACTORS)[number];

/** A fresh cast per route: the route under test may log out, change a password or revoke a key. */
interface Cast {
  user: LoggedIn;
  otherUser: LoggedIn;
  admin: LoggedIn;
  userKey: string;
  adminKey: string;
}

async function createCast(): Promise<Cast> {
  const user = await sessionUser(['user']);
  const otherUser = await sessionUser(['user']);
  const admin = await sessionUser(['admin']);
  return {
    user,
    otherUser,
    admin,
    // Minted in the person's session: a password change made there keeps them (it revokes every other key).
    userKey: (await createKey(user.id, user.sessionId)).key,
    adminKey: (await createKey(admin.id, admin.sessionId)).key,
  };
}

function headersOf(cast: Cast, actor: ActorName): Record<string, string> {
  switch (actor) {
    case 'anonymous':
      return {};
    case 'invalidToken':
      return { authorization: 'Bearer not-a-token-this-server-issued' };
    case 'userKey':
      return { 'x-api-key': cast.userKey };
    case 'adminKey':
      return { 'x-api-key': cast.adminKey };
    default:
      return cast[actor].headers;
  }
}

/** The user behind the credential (the target owner for anonymous callers). */
function personOf(cast: Cast, actor: ActorName): LoggedIn {
  if (actor === 'admin' || actor === 'adminKey') return cast.admin;
  if (actor === 'otherUser') return cast.otherUser;
  return cast.user;
}

interface Outcome {
  status: number;
  code?: string | undefined;
}

interface Cell {
  cast: Cast;
  actor: ActorName;
  /** GET or its HEAD twin (which has no body to check), or the route's only method. */
  method: HTTPMethods;
  headers: Record<string, string>;
  /** Whether the matrix expects this caller to get through (to `success`). */
  allowed: boolean;
}

interface RouteCase {
  method: HTTPMethods;
  /** The route pattern, as registered. */
  url: string;
  access: Access;
  /** The administrative policy action the route needs (on its system resource); held by `admin` by default. */
  admin?: AdminAction;
  /** What a caller who gets through receives. */
  success: Outcome;
  /**
   * Which authenticated callers the policy lets through, beyond the access level (function level: the admin-only
   * actions; object level: the owner of the objects `prepare` creates, and admins). Default: all of them.
   */
  permits?: (actor: ActorName) => boolean;
  /** What a caller `permits` refuses receives (default 403 FORBIDDEN). */
  refusal?: Outcome;
  /** Sends `X-Access-Purpose: support` (needed to see any sensitive value), from every caller. */
  purpose?: true;
  /** Builds the request (concrete URL, body) and a check run after the response. */
  prepare?: (cell: Cell) => Promise<{
    url?: string;
    payload?: object;
    verify?: (response: LightMyRequestResponse) => Promise<void>;
  }>;
}

const FORBIDDEN: Outcome = { status: 403, code: 'FORBIDDEN' };

/** The policy's administrative actions: every route that needs one is in the matrix under both policies. */
const ADMIN_ACTIONS = [
  'manage_users',
  'manage_policies',
  'manage_collections',
  'manage_keys',
  'read_audit',
  'erase',
  'introspect',
  'read_metrics',
  'read_posture',
  'reset_passwords',
  'manage_service_accounts',
  'drop_collections',
] as const satisfies readonly Action[];
type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** The administrative action the policy in force has moved from `admin` to `user`; null: the default policy. */
let movedAction: AdminAction | null = null;

function holdsAdminAction(actor: ActorName, action: AdminAction): boolean {
  if (movedAction !== action) return actor === 'admin' || actor === 'adminKey';
  return actor === 'user' || actor === 'otherUser' || actor === 'userKey';
}

function expectedOutcome(route: RouteCase, actor: ActorName): Outcome {
  if (route.access === 'public') return route.success;
  if (actor === 'anonymous') return { status: 401, code: 'AUTHENTICATION_REQUIRED' };
  if (actor === 'invalidToken') return { status: 401, code: 'INVALID_TOKEN' };
  const isApiKey = actor === 'userKey' || actor === 'adminKey';
  if (route.access === 'session' && isApiKey) return FORBIDDEN;
  if (route.admin !== undefined && !holdsAdminAction(actor, route.admin)) return FORBIDDEN;
  if (route.permits !== undefined && !route.permits(actor)) return route.refusal ?? FORBIDDEN;
  return route.success;
}

/**
 * Accounts holding a role that manages users or the policy (and grants of one) change from an interactive session
 * only: under the policies that give `manage_users` or `manage_policies` to `user`, the accounts these routes touch
 * (role `user`) administer, so an API key is refused even where its role may manage users.
 */
const UNLESS_KEY_TOUCHES_MANAGER = (actor: ActorName) =>
  !(
    (actor === 'userKey' || actor === 'adminKey') &&
    (movedAction === 'manage_users' || movedAction === 'manage_policies')
  );

/** Objects created by `user`: its owner (by session or by its API key) and admins; never `otherUser`. */
const OWNER_OR_ADMIN = (actor: ActorName) => actor !== 'otherUser';

const EXPLICIT_ROUTES: RouteCase[] = [
  { method: 'GET', url: '/healthz', access: 'public', success: { status: 200 } },
  { method: 'GET', url: '/readyz', access: 'public', success: { status: 200 } },
  { method: 'GET', url: '/.well-known/jwks.json', access: 'public', success: { status: 200 } },
  { method: 'GET', url: '/openapi.json', access: 'public', success: { status: 200 } },
  // The web console's static files (console-page.ts): public like /docs; its page then signs in through the API.
  { method: 'GET', url: '/console', access: 'public', success: { status: 308 } },
  {
    method: 'GET',
    url: '/console/*',
    access: 'public',
    success: { status: 200 },
    prepare: async () => ({ url: '/console/' }),
  },
  { method: 'GET', url: '/v1/sys/seal-status', access: 'public', success: { status: 200 } },
  {
    method: 'POST',
    url: '/v1/sys/unseal',
    access: 'public',
    // This app's key is not a sealed keyring: it is unsealed from the start.
    success: { status: 409, code: 'ALREADY_UNSEALED' },
    prepare: async () => ({ payload: { share: 'srs1-not-a-share' } }),
  },
  {
    method: 'POST',
    url: '/v1/auth/login',
    access: 'public',
    success: { status: 200 },
    prepare: async ({ cast }) => ({
      payload: { username: cast.otherUser.username, password: cast.otherUser.password },
    }),
  },
  {
    method: 'POST',
    url: '/v1/auth/refresh',
    access: 'public',
    success: { status: 200 },
    prepare: async ({ cast }) => {
      const pair = await login(t, cast.otherUser.username, cast.otherUser.password);
      return { payload: { refresh_token: pair.refresh_token } };
    },
  },
  {
    method: 'POST',
    url: '/v1/auth/logout',
    access: 'session',
    success: { status: 204 },
    prepare: async ({ headers, allowed }) => ({
      verify: async () => {
        // The caller's own session ends when (and only when) the logout went through.
        if (allowed) expect((await me(headers)).statusCode).toBe(401);
      },
    }),
  },
  {
    method: 'POST',
    url: '/v1/auth/introspect',
    access: 'authenticated',
    admin: 'introspect',
    success: { status: 200 },
    prepare: async ({ cast, allowed }) => ({
      payload: { token: cast.otherUser.headers.authorization?.slice('Bearer '.length) },
      verify: async (response) => {
        // Only a caller the policy lets introspect learns whose the token is.
        if (allowed) expect(response.json()).toMatchObject({ active: true, sub: cast.otherUser.id });
        else expect(response.body).not.toContain(cast.otherUser.id);
      },
    }),
  },
  {
    method: 'GET',
    url: '/metrics',
    access: 'authenticated',
    admin: 'read_metrics',
    success: { status: 200 },
    prepare: async ({ allowed }) => ({
      verify: async (response) => {
        // The exposition (HEAD: its headers only) to those allowed; a refusal says nothing about the metrics.
        if (allowed) expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        else expect(response.body).not.toContain('strongroom_');
      },
    }),
  },
  {
    method: 'GET',
    url: '/v1/sys/posture',
    access: 'authenticated',
    admin: 'read_posture',
    success: { status: 200 },
    prepare: async ({ allowed }) => ({
      verify: async (response) => {
        // The posture to those allowed; a refusal says nothing about the deployment.
        // (HEAD: its headers only.)
        if (allowed && response.body !== '')
          expect(response.json()).toMatchObject({ format: 'strongroom-posture-v1' });
        if (!allowed) expect(response.body).not.toContain('root_key');
      },
    }),
  },
  { method: 'GET', url: '/v1/me', access: 'authenticated', success: { status: 200 } },
  {
    method: 'PUT',
    url: '/v1/me/password',
    access: 'session',
    success: { status: 204 },
    prepare: async ({ cast, actor, allowed }) => {
      const person = personOf(cast, actor);
      const before = await t.services.stores.users.findById(person.id);
      return {
        payload: { current_password: person.password, new_password: strongPassword() },
        verify: async () => {
          const after = await t.services.stores.users.findById(person.id);
          if (allowed) expect(after?.passwordHash).not.toBe(before?.passwordHash);
          else expect(after?.passwordHash).toBe(before?.passwordHash);
        },
      };
    },
  },
  {
    method: 'POST',
    url: '/v1/users',
    access: 'authenticated',
    admin: 'manage_users',
    permits: UNLESS_KEY_TOUCHES_MANAGER,
    success: { status: 201 },
    prepare: async ({ allowed }) => {
      const username = `n${randomBytes(6).toString('hex')}`;
      return {
        payload: { username, password: strongPassword(), roles: ['user'] },
        verify: async () => {
          expect(await t.services.stores.users.existsByUsername(username)).toBe(allowed);
        },
      };
    },
  },
  {
    method: 'GET',
    url: '/v1/users',
    access: 'authenticated',
    admin: 'manage_users',
    success: { status: 200 },
  },
  {
    method: 'GET',
    url: '/v1/users/:id',
    access: 'authenticated',
    admin: 'manage_users',
    success: { status: 200 },
    prepare: async ({ cast }) => ({ url: `/v1/users/${cast.otherUser.id}` }),
  },
  {
    method: 'PATCH',
    url: '/v1/users/:id',
    access: 'authenticated',
    admin: 'manage_users',
    permits: UNLESS_KEY_TOUCHES_MANAGER,
    success: { status: 200 },
    prepare: async ({ allowed }) => {
      const target = (await insertUser()).id;
      return {
        url: `/v1/users/${target}`,
        payload: { disabled: true },
        verify: async () => {
          const disabled = (await t.services.stores.users.findById(target))?.disabled;
          expect(disabled).toBe(allowed);
        },
      };
    },
  },
  {
    method: 'DELETE',
    url: '/v1/users/:id',
    access: 'authenticated',
    admin: 'manage_users',
    permits: UNLESS_KEY_TOUCHES_MANAGER,
    success: { status: 204 },
    prepare: async ({ allowed }) => {
      const target = (await insertUser()).id;
      return {
        url: `/v1/users/${target}`,
        verify: async () => {
          expect((await t.services.stores.users.findById(target)) === null).toBe(allowed);
        },
      };
    },
  },
  {
    method: 'POST',
    url: '/v1/api-keys',
    access: 'session',
    success: { status: 201 },
    prepare: async ({ cast, actor, allowed }) => {
      const owner = personOf(cast, actor).id;
      const before = (await t.services.apiKeys.list(owner)).length;
      return {
        payload: { name: 'matrix' },
        verify: async () => {
          expect((await t.services.apiKeys.list(owner)).length).toBe(before + (allowed ? 1 : 0));
        },
      };
    },
  },
  { method: 'GET', url: '/v1/api-keys', access: 'authenticated', success: { status: 200 } },
  {
    method: 'GET',
    url: '/v1/policies/current',
    access: 'authenticated',
    admin: 'manage_policies',
    success: { status: 200 },
  },
  {
    method: 'GET',
    url: '/v1/policies',
    access: 'authenticated',
    admin: 'manage_policies',
    success: { status: 200 },
  },
  {
    method: 'GET',
    url: '/v1/policies/:version',
    access: 'authenticated',
    admin: 'manage_policies',
    success: { status: 200 },
    prepare: async () => ({ url: '/v1/policies/1' }),
  },
  {
    method: 'POST',
    url: '/v1/policies/rollback',
    access: 'session',
    admin: 'manage_policies',
    success: { status: 200 },
    prepare: async ({ allowed }) => {
      // Back to the version in force: a new version with the same document, so the matrix's policy stays.
      const before = t.services.policies.current();
      return {
        payload: { version: before.version },
        verify: async () => {
          expect(t.services.policies.current().version).toBe(before.version + (allowed ? 1 : 0));
          expect(t.services.policies.current().document).toEqual(before.document);
        },
      };
    },
  },
  {
    method: 'PUT',
    url: '/v1/policies',
    access: 'session',
    admin: 'manage_policies',
    success: { status: 200 },
    prepare: async ({ allowed }) => {
      const before = t.services.policies.current();
      return {
        payload: before.document as object,
        verify: async () => {
          expect(t.services.policies.current().version).toBe(before.version + (allowed ? 1 : 0));
        },
      };
    },
  },
  {
    method: 'DELETE',
    url: '/v1/api-keys/:id',
    access: 'authenticated',
    success: { status: 204 },
    prepare: async ({ cast, actor, allowed }) => {
      // A key of the caller's own user: the only kind anyone may revoke.
      const key = await createKey(personOf(cast, actor).id);
      return {
        url: `/v1/api-keys/${key.id}`,
        verify: async () => {
          const record = await t.services.stores.apiKeys.findById(key.id);
          expect(record?.revokedAt === null).toBe(!allowed);
        },
      };
    },
  },
  // Administrators' account operations (issue 10): a password reset, and a service account's keys.
  {
    method: 'POST',
    url: '/v1/users/:id/password-reset',
    access: 'session',
    admin: 'reset_passwords',
    success: { status: 200 },
    prepare: async ({ allowed }) => {
      const target = (await insertUser()).id;
      return {
        url: `/v1/users/${target}/password-reset`,
        verify: async (response) => {
          expect((await t.services.stores.users.findById(target))?.mustChangePassword).toBe(allowed);
          if (!allowed) expect(response.body).not.toContain('one_time_password');
        },
      };
    },
  },
  {
    method: 'POST',
    url: '/v1/users/:id/api-keys',
    access: 'session',
    admin: 'manage_service_accounts',
    success: { status: 201 },
    prepare: async ({ allowed }) => {
      const service = await insertServiceAccount();
      return {
        url: `/v1/users/${service}/api-keys`,
        payload: { name: 'matrix' },
        verify: async () => {
          expect((await t.services.stores.apiKeys.listByUser(service)).length).toBe(allowed ? 1 : 0);
        },
      };
    },
  },
  {
    method: 'GET',
    url: '/v1/users/:id/api-keys',
    access: 'authenticated',
    admin: 'manage_service_accounts',
    success: { status: 200 },
    prepare: async ({ allowed, method }) => {
      const service = await insertServiceAccount();
      const minted = await mintServiceKey(service);
      return {
        url: `/v1/users/${service}/api-keys`,
        verify: async (response) => {
          expect(response.body).not.toContain(minted.key);
          // HEAD answers no body.
          if (method !== 'HEAD') expect(response.body.includes(minted.id)).toBe(allowed);
        },
      };
    },
  },
  {
    method: 'DELETE',
    url: '/v1/users/:id/api-keys/:key',
    access: 'authenticated',
    admin: 'manage_service_accounts',
    success: { status: 204 },
    prepare: async ({ allowed }) => {
      const service = await insertServiceAccount();
      const minted = await mintServiceKey(service);
      return {
        url: `/v1/users/${service}/api-keys/${minted.id}`,
        verify: async () => {
          expect((await t.services.stores.apiKeys.findById(minted.id))?.revokedAt === null).toBe(!allowed);
        },
      };
    },
  },
  // Collections: declared by admins, read by anyone authenticated.
  {
    method: 'POST',
    url: '/v1/collections',
    access: 'authenticated',
    admin: 'manage_collections',
    success: { status: 201 },
    prepare: async ({ allowed }) => {
      const name = `n${hex(6)}`;
      return {
        payload: { name, fields: [{ name: 'note', type: 'string' }] },
        verify: async () => {
          expect((await t.services.stores.collections.findByName(name)) !== null).toBe(allowed);
        },
      };
    },
  },
  { method: 'GET', url: '/v1/collections', access: 'authenticated', success: { status: 200 } },
  {
    method: 'POST',
    url: '/v1/collections/:collection/fields',
    access: 'authenticated',
    admin: 'manage_collections',
    success: { status: 200 },
    prepare: async ({ cast, allowed }) => {
      const { name } = await newCollection(cast.admin.id);
      return {
        url: `/v1/collections/${name}/fields`,
        payload: { name: 'added', type: 'string' },
        verify: async () => {
          const row = await t.services.stores.collections.findByName(name);
          expect(row?.fields.includes('"added"')).toBe(allowed);
        },
      };
    },
  },
  {
    method: 'DELETE',
    url: '/v1/collections/:collection',
    access: 'session',
    admin: 'drop_collections',
    success: { status: 200 },
    prepare: async ({ cast, allowed }) => {
      const { name } = await newCollection(cast.admin.id);
      return {
        url: `/v1/collections/${name}`,
        payload: { confirm: name },
        verify: async () => {
          expect((await t.services.stores.collections.findByName(name)) === null).toBe(allowed);
        },
      };
    },
  },
  {
    method: 'GET',
    url: '/v1/collections/:collection',
    access: 'authenticated',
    success: { status: 200 },
    prepare: async () => ({ url: `/v1/collections/${MATRIX}` }),
  },
  // Records: anyone authenticated creates, lists and searches (masked); the creator and admins do the rest.
  {
    method: 'POST',
    url: '/v1/collections/:collection/records',
    access: 'authenticated',
    purpose: true,
    success: { status: 201 },
    prepare: async ({ cast, actor, method, allowed }) => ({
      url: `/v1/collections/${MATRIX}/records`,
      payload: { fields: { ssn: '123-45-6789', tenant_id: `tenant-${hex(6)}` } },
      verify: async (response) => {
        if (!allowed || method === 'HEAD') return;
        const row = await recordRow((response.json() as { id: string }).id);
        expect(row?.createdBy, actor).toBe(personOf(cast, actor).id);
      },
    }),
  },
  {
    method: 'GET',
    url: '/v1/collections/:collection/records',
    access: 'authenticated',
    purpose: true,
    success: { status: 200 },
    prepare: async ({ cast, actor, method, headers, allowed }) => {
      const record = await ownedRecord(cast);
      const listUrl = `/v1/collections/${MATRIX}/records?filter.tenant_id=${record.tenant}`;
      return {
        url: listUrl,
        verify: async (response) => {
          if (!allowed || method === 'HEAD') return;
          const { records } = response.json() as { records: Array<{ id: string }> };
          expect(records.map((r) => r.id)).toEqual([record.id]);
          // Masked unless revealed, even for the owner and admins; another user may not reveal.
          for (const plain of [record.ssn, record.name]) expect(response.body, actor).not.toContain(plain);
          if (actor !== 'otherUser') return;
          const revealed = await t.app.inject({ url: `${listUrl}&reveal=ssn`, headers });
          expect(revealed.statusCode).toBe(403);
          expect(errorCode(revealed)).toBe('FORBIDDEN');
        },
      };
    },
  },
  {
    method: 'POST',
    url: '/v1/collections/:collection/records/search',
    access: 'authenticated',
    purpose: true,
    success: { status: 200 },
    prepare: async ({ cast, actor, allowed }) => {
      const record = await ownedRecord(cast);
      const url = `/v1/collections/${MATRIX}/records/search`;
      const where = { ssn: record.ssn };
      return {
        url,
        payload: { where },
        verify: async (response) => {
          if (!allowed) return;
          const { records } = response.json() as { records: Array<{ id: string }> };
          for (const plain of [record.ssn, record.name]) expect(response.body, actor).not.toContain(plain);
          // Searching by a sensitive value is object-level: under the default policy a user finds only its own
          // records, so exact-match probing cannot recover values it sees masked on others' records.
          if (actor === 'otherUser') {
            expect(records).toEqual([]);
            expect((response.json() as { next_cursor: unknown }).next_cursor).toBeNull();
            return;
          }
          expect(records.map((r) => r.id)).toContain(record.id);
        },
      };
    },
  },
  {
    // The object-level cell is the reveal: only the owner and admins see the SSN in plain.
    method: 'GET',
    url: '/v1/collections/:collection/records/:id',
    access: 'authenticated',
    purpose: true,
    permits: OWNER_OR_ADMIN,
    success: { status: 200 },
    prepare: async ({ cast, actor, method, headers, allowed }) => {
      const record = await ownedRecord(cast);
      return {
        url: `${recordUrl(record.id)}?reveal=ssn`,
        verify: async (response) => {
          if (method === 'HEAD') return;
          if (allowed) {
            expect((response.json() as { fields: Record<string, unknown> }).fields.ssn, actor).toBe(
              record.ssn,
            );
            return;
          }
          expect(response.body).not.toContain(record.ssn);
          if (actor !== 'otherUser') return;
          // Without reveal, another user reads the record, masked: no plain value, not even the subject id.
          const masked = await t.app.inject({ url: recordUrl(record.id), headers });
          expect(masked.statusCode).toBe(200);
          expect((masked.json() as { id: string }).id).toBe(record.id);
          for (const plain of [record.ssn, record.name, record.subject])
            expect(masked.body).not.toContain(plain);
        },
      };
    },
  },
  {
    method: 'PATCH',
    url: '/v1/collections/:collection/records/:id',
    access: 'authenticated',
    purpose: true,
    permits: OWNER_OR_ADMIN,
    success: { status: 200 },
    prepare: async ({ cast, actor, allowed }) => {
      const record = await ownedRecord(cast);
      return {
        url: recordUrl(record.id),
        payload: { fields: { age: record.age + 1, ssn: '123-45-6789' } },
        verify: async () => {
          const row = await recordRow(record.id);
          expect(row?.revision, actor).toBe(allowed ? 2 : 1);
          expect(JSON.parse(row?.plainFields ?? '{}').age, actor).toBe(allowed ? record.age + 1 : record.age);
        },
      };
    },
  },
  {
    method: 'DELETE',
    url: '/v1/collections/:collection/records/:id',
    access: 'authenticated',
    purpose: true,
    permits: OWNER_OR_ADMIN,
    success: { status: 204 },
    prepare: async ({ cast, actor, allowed }) => {
      const record = await ownedRecord(cast);
      return {
        url: recordUrl(record.id),
        verify: async () => {
          expect((await recordRow(record.id)) === null, actor).toBe(allowed);
        },
      };
    },
  },
  {
    // Erasing a subject (policy `erase` on `subjects`) is for admins, even for the subject's own records' creator.
    method: 'POST',
    url: '/v1/subjects/erase',
    access: 'authenticated',
    admin: 'erase',
    purpose: true,
    success: { status: 200 },
    prepare: async ({ cast, actor, allowed }) => {
      const record = await ownedRecord(cast);
      return {
        payload: { subject: record.subject },
        verify: async () => {
          expect((await recordRow(record.id))?.erasedAt != null, actor).toBe(allowed);
        },
      };
    },
  },
  {
    // The deprecated form of the route above (subject in the path), guarded exactly like it until its sunset.
    method: 'POST',
    url: '/v1/subjects/:subject/erase',
    access: 'authenticated',
    admin: 'erase',
    purpose: true,
    success: { status: 200 },
    prepare: async ({ cast, actor, allowed }) => {
      const record = await ownedRecord(cast);
      return {
        url: `/v1/subjects/${encodeURIComponent(record.subject)}/erase`,
        verify: async () => {
          expect((await recordRow(record.id))?.erasedAt != null, actor).toBe(allowed);
        },
      };
    },
  },
  // Tokens of a sensitive field of `user`'s record.
  {
    method: 'POST',
    url: '/v1/tokens',
    access: 'authenticated',
    purpose: true,
    permits: OWNER_OR_ADMIN,
    success: { status: 201 },
    prepare: async ({ cast, actor, allowed }) => {
      const record = await ownedRecord(cast);
      return {
        payload: { kind: 'random', source: { collection: MATRIX, record: record.id, field: 'ssn' } },
        verify: async (response) => {
          const rows = await t.services.database.db
            .selectFrom('tokens')
            .select('id')
            .where('record_id', '=', record.id)
            .execute();
          expect(rows.length, actor).toBe(allowed ? 1 : 0);
          if (!allowed) expect(response.body).not.toContain('tok_');
        },
      };
    },
  },
  {
    // Answered 200 to every authenticated caller, one result per token: the value, or TOKEN_NOT_FOUND.
    method: 'POST',
    url: '/v1/tokens/detokenize',
    access: 'authenticated',
    purpose: true,
    permits: OWNER_OR_ADMIN,
    success: { status: 200 },
    refusal: { status: 200 },
    prepare: async ({ cast, actor }) => {
      const { token, record } = await ownedToken(cast);
      return {
        payload: { tokens: [token] },
        verify: async (response) => {
          if (response.statusCode !== 200) return;
          const { values } = response.json() as { values: unknown[] };
          expect(values, actor).toEqual([
            OWNER_OR_ADMIN(actor)
              ? { token, type: 'ssn', value: record.ssn }
              : { token, error: 'TOKEN_NOT_FOUND' },
          ]);
        },
      };
    },
  },
  {
    // Someone else's token is answered exactly like a missing one: no oracle.
    method: 'POST',
    url: '/v1/tokens/delete',
    access: 'authenticated',
    purpose: true,
    permits: OWNER_OR_ADMIN,
    refusal: { status: 404, code: 'TOKEN_NOT_FOUND' },
    success: { status: 204 },
    prepare: async ({ cast, actor, headers, allowed }) => {
      const { token } = await ownedToken(cast);
      return {
        payload: { token },
        verify: async (response) => {
          expect(await tokenRows(token), actor).toBe(allowed ? 0 : 1);
          if (actor !== 'otherUser') return;
          const missing = await t.app.inject({
            method: 'POST',
            url: '/v1/tokens/delete',
            headers,
            payload: { token: `tok_${'A'.repeat(11)}${randomBytes(8).toString('hex').slice(0, 11)}` },
          });
          expect(missing.statusCode).toBe(response.statusCode);
          expect(errorBody(missing)).toEqual(errorBody(response));
        },
      };
    },
  },
  {
    // The deprecated form of the route above (token in the path), guarded exactly like it until its sunset.
    method: 'DELETE',
    url: '/v1/tokens/:token',
    access: 'authenticated',
    purpose: true,
    permits: OWNER_OR_ADMIN,
    refusal: { status: 404, code: 'TOKEN_NOT_FOUND' },
    success: { status: 204 },
    prepare: async ({ cast, actor, headers, allowed }) => {
      const { token } = await ownedToken(cast);
      return {
        url: `/v1/tokens/${token}`,
        verify: async (response) => {
          expect(await tokenRows(token), actor).toBe(allowed ? 0 : 1);
          if (actor !== 'otherUser') return;
          const missing = await t.app.inject({
            method: 'DELETE',
            url: `/v1/tokens/tok_${'A'.repeat(11)}${randomBytes(8).toString('hex').slice(0, 11)}`,
            headers,
          });
          expect(missing.statusCode).toBe(response.statusCode);
          expect(errorBody(missing)).toEqual(errorBody(response));
        },
      };
    },
  },
  // Keys (policy `manage_keys`): admins only.
  {
    method: 'POST',
    url: '/v1/keys/rotate',
    access: 'authenticated',
    admin: 'manage_keys',
    success: { status: 202 },
    prepare: async ({ cast, actor, allowed }) => {
      // A collection per cell: a second rotation of one key while its job runs is refused (409 KEY_JOB_RUNNING).
      const collection = await newCollection(cast.admin.id);
      return {
        payload: { target: 'collection', collection: collection.name },
        verify: async () => {
          const version = await t.services.keyService.currentVersion(
            t.services.stores.keys,
            collection.keyId,
          );
          expect(version, actor).toBe(allowed ? 2 : 1);
          const jobs = await t.services.keyRotation.list();
          expect(
            jobs.some((job) => job.keyId === collection.keyId),
            actor,
          ).toBe(allowed);
        },
      };
    },
  },
  {
    method: 'GET',
    url: '/v1/keys/jobs',
    access: 'authenticated',
    admin: 'manage_keys',
    success: { status: 200 },
  },
  {
    method: 'GET',
    url: '/v1/keys/jobs/:id',
    access: 'authenticated',
    admin: 'manage_keys',
    success: { status: 200 },
    prepare: async ({ actor, method, headers, allowed }) => ({
      url: `/v1/keys/jobs/${jobId}`,
      verify: async (response) => {
        // A missing job: 404 to admins; to everyone else, the very refusal an existing one gets.
        const missing = await t.app.inject({ method, url: `/v1/keys/jobs/${randomUUID()}`, headers });
        if (allowed) {
          expect(missing.statusCode, actor).toBe(404);
          if (method !== 'HEAD') expect(errorCode(missing)).toBe('KEY_JOB_NOT_FOUND');
        } else {
          expect(missing.statusCode, actor).toBe(response.statusCode);
          if (method !== 'HEAD') expect(errorBody(missing)).toEqual(errorBody(response));
        }
      },
    }),
  },
  // The audit trail (policy `read_audit`): admins only.
  {
    method: 'GET',
    url: '/v1/audit/events',
    access: 'authenticated',
    admin: 'read_audit',
    success: { status: 200 },
  },
  {
    method: 'POST',
    url: '/v1/audit/hash',
    access: 'authenticated',
    admin: 'read_audit',
    success: { status: 200 },
    prepare: async ({ actor, allowed }) => ({
      payload: { value: 'someone@example.com' },
      verify: async (response) => {
        expect(response.body.includes('hmac'), actor).toBe(allowed);
      },
    }),
  },
  {
    method: 'POST',
    url: '/v1/audit/events/search',
    access: 'authenticated',
    admin: 'read_audit',
    success: { status: 200 },
    prepare: async ({ actor, allowed }) => ({
      payload: { subject: 'subject-of-the-matrix' },
      verify: async (response) => {
        expect(response.body.includes('"events"'), actor).toBe(allowed);
        expect(response.body.includes('subject-of-the-matrix'), actor).toBe(false);
      },
    }),
  },
  {
    method: 'GET',
    url: '/v1/audit/checkpoints',
    access: 'authenticated',
    admin: 'read_audit',
    success: { status: 200 },
  },
];

// Fastify answers HEAD for every GET route; each HEAD route must be guarded exactly like its GET.
const ROUTES: RouteCase[] = [
  ...EXPLICIT_ROUTES,
  ...EXPLICIT_ROUTES.filter((r) => r.method === 'GET').map((r): RouteCase => ({ ...r, method: 'HEAD' })),
];

const routeKey = (method: string, url: string) => `${method.toUpperCase()} ${url}`;

/** Every (method, url) the app serves, read from Fastify's route tree. */
function registeredRoutes(): string[] {
  const found: string[] = [];
  const prefixes: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    const parent = prefixes[depth - 1] ?? '';
    // The tree prints `/console/*` as a child `*` of `/console` (the router keeps the slash in the parent's node).
    const segment = match[2] === '*' && !parent.endsWith('/') ? '/*' : (match[2] ?? '');
    const url = parent + segment;
    prefixes.length = depth;
    prefixes.push(url);
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) found.push(routeKey(method, url));
  }
  return found;
}

/** One route of the matrix: every kind of caller, each with the outcome the policy in force must give. */
function matrixCell(route: RouteCase): void {
  it(`${routeKey(route.method, route.url)} (${route.access}${route.admin === undefined ? '' : `, ${route.admin}`})`, async () => {
    const cast = await createCast();
    const actual: Record<string, Outcome> = {};
    const expected: Record<string, Outcome> = {};
    const undeclared: string[] = [];
    for (const actor of ACTORS) {
      const want = expectedOutcome(route, actor);
      const headers = route.purpose
        ? { ...headersOf(cast, actor), 'x-access-purpose': 'support' }
        : headersOf(cast, actor);
      const cell: Cell = { cast, actor, method: route.method, headers, allowed: want === route.success };
      const prepared = (await route.prepare?.(cell)) ?? {};
      const request: InjectOptions = { method: route.method, url: prepared.url ?? route.url, headers };
      if (prepared.payload !== undefined) request.payload = prepared.payload;
      const response = await t.app.inject(request);
      // HEAD responses have no body, so only their status can be compared.
      const hasCode = route.method !== 'HEAD' && want.code !== undefined;
      expected[actor] = hasCode ? want : { status: want.status };
      actual[actor] = hasCode
        ? { status: response.statusCode, code: errorCode(response) }
        : { status: response.statusCode };
      await prepared.verify?.(response);
      if (route.method !== 'HEAD') undeclared.push(...(await undeclaredStatus(route, response.statusCode)));
    }
    expect(actual).toEqual(expected);
    // Every status a route answered is in the OpenAPI document for that route (issue 15).
    expect(undeclared).toEqual([]);
  });
}

let documentedResponses: Promise<Record<string, Record<string, { responses: object }>>> | null = null;

/** `[]` when `/openapi.json` declares `status` for the route, else a line naming both. */
async function undeclaredStatus(route: RouteCase, status: number): Promise<string[]> {
  documentedResponses ??= t.app
    .inject({ url: '/openapi.json' })
    .then((r) => (r.json() as { paths: Record<string, Record<string, { responses: object }>> }).paths);
  const paths = await documentedResponses;
  const path = route.url.replace(/:(\w+)/g, '{$1}');
  const operation = paths[path]?.[route.method.toLowerCase()];
  if (operation === undefined) return [];
  return Object.hasOwn(operation.responses, String(status)) ? [] : [`${route.method} ${route.url} ${status}`];
}

describe('the access matrix', () => {
  it('lists every route the app registers and every operation it documents, and nothing else', async () => {
    const table = ROUTES.map((r) => routeKey(r.method, r.url));
    expect(new Set(table).size).toBe(table.length);
    for (const r of ROUTES)
      expect(t.app.hasRoute({ method: r.method, url: r.url }), routeKey(r.method, r.url)).toBe(true);

    // swagger-ui's static assets under /docs are public by design (see authenticate.ts).
    const registered = registeredRoutes().filter((key) => !key.split(' ')[1]?.startsWith('/docs'));
    expect(registered.length).toBeGreaterThan(20);
    expect([...registered].sort()).toEqual([...table].sort());

    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, object> };
    const documented = Object.entries(doc.paths).flatMap(([url, operations]) =>
      Object.keys(operations).map((method) => routeKey(method, url.replace(/\{(\w+)\}/g, ':$1'))),
    );
    expect(documented.length).toBeGreaterThan(10);
    for (const key of documented) expect(table).toContain(key);
  });

  // A plain loop rather than it.each, whose `$name` would be cut short: long record routes would look alike.
  for (const route of ROUTES) matrixCell(route);
});

/**
 * A policy that moves one administrative action from `admin` to `user` (admins keep every other action): each
 * route must follow the policy at once, and ask for its own action, with no role name left on any route.
 */
function movedAdminPolicy(moved: AdminAction) {
  const base = defaultPolicyDocument();
  return {
    ...base,
    roles: {
      admin: {
        rules: [
          {
            effect: 'allow',
            actions: ACTIONS.filter((action) => action !== moved),
            resources: ['**'],
            redaction: 'plain',
          },
        ],
      },
      user: {
        rules: [
          ...base.roles.user.rules,
          {
            effect: 'allow',
            actions: [moved],
            resources: ['system/**', 'collections/*', 'audit', 'subjects'],
            redaction: 'plain',
          },
        ],
      },
    },
  };
}

it('the matrix covers every action the policy treats as administrative', () => {
  const covered = new Set(ROUTES.flatMap((route) => (route.admin === undefined ? [] : [route.admin])));
  expect([...covered].sort()).toEqual([...ADMIN_ACTIONS].sort());
});

for (const moved of ADMIN_ACTIONS)
  describe(`the administrative routes under a policy that moves \`${moved}\` from admin to user`, () => {
    beforeAll(async () => {
      await t.services.policies.put(movedAdminPolicy(moved), { userId: randomUUID() });
      movedAction = moved;
    });
    afterAll(async () => {
      movedAction = null;
      await t.services.policies.put(defaultPolicyDocument(), { userId: randomUUID() });
    });

    for (const route of ROUTES.filter((r) => r.admin !== undefined)) matrixCell(route);
  });

// ---------------------------------------------------------------------------------------------------------------
// Object level: own sessions and keys only.
// ---------------------------------------------------------------------------------------------------------------

describe('ownership of API keys and sessions', () => {
  it("answers 404 to another user's key exactly like a missing one, and leaves the key working", async () => {
    const a = await loggedInUser(t);
    const b = await loggedInUser(t);
    const aKey = await createKey(a.id);
    const bKey = await createKey(b.id);

    for (const headers of [b.headers, { 'x-api-key': bKey.key }]) {
      const theirs = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${aKey.id}`, headers });
      expect(theirs.statusCode).toBe(404);
      expect(errorCode(theirs)).toBe('API_KEY_NOT_FOUND');
      const missing = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${randomUUID()}`, headers });
      const strip = (r: LightMyRequestResponse) => ({ ...r.json().error, request_id: undefined });
      expect(strip(theirs)).toEqual(strip(missing));
    }

    const stillWorks = await me({ 'x-api-key': aKey.key });
    expect(stillWorks.statusCode).toBe(200);
    expect(stillWorks.json()).toMatchObject({ id: a.id, authenticated_by: 'api_key' });
    expect((await t.services.stores.apiKeys.findById(aKey.id))?.revokedAt).toBeNull();

    // An admin is no exception: API keys are personal.
    const admin = await loggedInUser(t, ['admin']);
    const byAdmin = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${aKey.id}`,
      headers: admin.headers,
    });
    expect(byAdmin.statusCode).toBe(404);
    expect(errorCode(byAdmin)).toBe('API_KEY_NOT_FOUND');
    expect((await me({ 'x-api-key': aKey.key })).statusCode).toBe(200);

    // The owner can revoke it, once.
    const own = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${aKey.id}`, headers: a.headers });
    expect(own.statusCode).toBe(204);
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${aKey.id}`,
      headers: a.headers,
    });
    expect(again.statusCode).toBe(404);
    expect(errorCode(again)).toBe('API_KEY_NOT_FOUND');
    const revoked = await me({ 'x-api-key': aKey.key });
    expect(revoked.statusCode).toBe(401);
    expect(errorCode(revoked)).toBe('INVALID_TOKEN');
  });

  it('lists only the caller’s own keys, never a secret', async () => {
    const a = await loggedInUser(t);
    const b = await loggedInUser(t);
    const admin = await loggedInUser(t, ['admin']);
    const aKeys = [await createKey(a.id), await createKey(a.id)];
    const bKeys = [await createKey(b.id)];

    const listed = async (headers: Record<string, string>) => {
      const response = await t.app.inject({ url: '/v1/api-keys', headers });
      expect(response.statusCode).toBe(200);
      for (const key of [...aKeys, ...bKeys]) expect(response.body).not.toContain(key.key);
      return (response.json() as { api_keys: Array<{ id: string }> }).api_keys.map((k) => k.id).sort();
    };
    expect(await listed(a.headers)).toEqual(aKeys.map((k) => k.id).sort());
    expect(await listed({ 'x-api-key': aKeys[0]?.key ?? '' })).toEqual(aKeys.map((k) => k.id).sort());
    expect(await listed(b.headers)).toEqual(bKeys.map((k) => k.id));
    expect(await listed(admin.headers)).toEqual([]);
  });

  it("logging out ends only the caller's own session", async () => {
    const a = await loggedInUser(t);
    const b = await loggedInUser(t);
    const aSecond = await login(t, a.username, a.password);
    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: a.headers });
    expect(out.statusCode).toBe(204);
    expect((await me(a.headers)).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${aSecond.access_token}` })).statusCode).toBe(200);
    expect((await me(b.headers)).statusCode).toBe(200);
  });

  it('refuses every user-management call from a non-admin, even about themselves', async () => {
    const user = await loggedInUser(t);
    const target = await createUser(t);
    const key = await createKey(user.id);
    for (const headers of [user.headers, { 'x-api-key': key.key }]) {
      for (const id of [target.id, user.id]) {
        const calls: InjectOptions[] = [
          { method: 'GET', url: `/v1/users/${id}` },
          { method: 'PATCH', url: `/v1/users/${id}`, payload: { roles: ['admin'] } },
          { method: 'PATCH', url: `/v1/users/${id}`, payload: { disabled: true } },
          { method: 'DELETE', url: `/v1/users/${id}` },
        ];
        for (const call of calls) {
          const response = await t.app.inject({ ...call, headers });
          expect(response.statusCode, `${call.method} ${call.url}`).toBe(403);
          expect(errorCode(response)).toBe('FORBIDDEN');
          expect(response.body).not.toContain(target.username);
        }
      }
    }
    for (const id of [target.id, user.id]) {
      const record = await t.services.stores.users.findById(id);
      expect(record).toMatchObject({ roles: ['user'], disabled: false });
    }
    expect((await me(user.headers)).json()).toMatchObject({ roles: ['user'] });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Admin operations and their effect on credentials.
// ---------------------------------------------------------------------------------------------------------------

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && TEST_DATABASE_URL === null)(
    `the last enabled admin (${database})`,
    () => {
      let solo: TestApp;
      beforeAll(async () => {
        solo = await createTestApp({ database });
      });
      afterAll(async () => {
        await solo.close();
      });

      it('cannot be deleted, demoted or disabled, by session or API key', async () => {
        expect(await solo.services.stores.users.count()).toBe(0);
        const admin = await loggedInUser(solo, ['admin']);
        const key = await solo.services.apiKeys.create(admin.id, randomUUID(), { name: 'admin key' });
        // A disabled admin does not count as a remaining admin.
        const dormant = await createUser(solo, ['admin']);
        await solo.services.users.update(dormant.id, { disabled: true }, { bySession: true });

        const attempts: InjectOptions[] = [
          { method: 'DELETE', url: `/v1/users/${admin.id}` },
          { method: 'PATCH', url: `/v1/users/${admin.id}`, payload: { roles: ['user'] } },
          { method: 'PATCH', url: `/v1/users/${admin.id}`, payload: { disabled: true } },
          { method: 'PATCH', url: `/v1/users/${admin.id}`, payload: { roles: ['user'], disabled: false } },
        ];
        for (const attempt of attempts) {
          const response = await solo.app.inject({ ...attempt, headers: admin.headers });
          expect(response.statusCode, `${attempt.method} ${JSON.stringify(attempt.payload)}`).toBe(409);
          expect(errorCode(response)).toBe('LAST_ADMIN');
          // An admin API key may not touch an admin account at all.
          const byKey = await solo.app.inject({ ...attempt, headers: { 'x-api-key': key.key } });
          expect(byKey.statusCode).toBe(403);
          expect(errorCode(byKey)).toBe('FORBIDDEN');
        }
        expect(await solo.services.stores.users.findById(admin.id)).toMatchObject({
          roles: ['admin'],
          disabled: false,
        });
        expect((await solo.app.inject({ url: '/v1/users', headers: admin.headers })).statusCode).toBe(200);

        // Keeping the admin role while changing nothing else is fine.
        const noop = await solo.app.inject({
          method: 'PATCH',
          url: `/v1/users/${admin.id}`,
          headers: admin.headers,
          payload: { roles: ['admin', 'user'] },
        });
        expect(noop.statusCode).toBe(200);

        // With a second enabled admin, the first may be demoted; then the second is the last.
        const second = await loggedInUser(solo, ['admin']);
        const demote = await solo.app.inject({
          method: 'PATCH',
          url: `/v1/users/${admin.id}`,
          headers: second.headers,
          payload: { roles: ['user'] },
        });
        expect(demote.statusCode).toBe(200);
        expect(demote.json()).toMatchObject({ id: admin.id, roles: ['user'] });
        const lastNow = await solo.app.inject({
          method: 'DELETE',
          url: `/v1/users/${second.id}`,
          headers: second.headers,
        });
        expect(lastNow.statusCode).toBe(409);
        expect(errorCode(lastNow)).toBe('LAST_ADMIN');
        // The demoted admin lost admin rights on their very next request.
        const demoted = await solo.app.inject({ url: '/v1/users', headers: admin.headers });
        expect(demoted.statusCode).toBe(403);
        expect(errorCode(demoted)).toBe('FORBIDDEN');
      });

      it('keeps one enabled admin when two admins demote each other at the same moment', async () => {
        const a = await createUser(solo, ['admin']);
        const b = await createUser(solo, ['admin']);
        for (const other of await solo.services.stores.users.list({ after: null, limit: 1000 })) {
          if (other.id !== a.id && other.id !== b.id) await solo.services.stores.users.delete(other.id);
        }
        // Admin accounts are changed from admin sessions only; fresh ones each round, since the service race below
        // disables b, which ends b's sessions.
        const headersFor = async (id: string) => {
          const user = await solo.services.stores.users.findById(id);
          const { sessionId } = await solo.services.sessions.start(id, user?.credentialVersion ?? 0);
          return {
            authorization: `Bearer ${await solo.services.accessTokens.issue({ userId: id, sessionId, roles: user?.roles ?? [] })}`,
          };
        };
        const restore = async () => {
          for (const id of [a.id, b.id])
            await solo.services.stores.users.update(id, { roles: ['admin'] }, Date.now());
          expect(await countEnabledWithAnyRole(solo.services.stores.users, ['admin'])).toBe(2);
        };
        for (let round = 0; round < 5; round += 1) {
          await restore();
          const aHeaders = await headersFor(a.id);
          const bHeaders = await headersFor(b.id);
          const responses = await Promise.all([
            solo.app.inject({
              method: 'PATCH',
              url: `/v1/users/${b.id}`,
              headers: aHeaders,
              payload: { roles: ['user'] },
            }),
            solo.app.inject({
              method: 'PATCH',
              url: `/v1/users/${a.id}`,
              headers: bHeaders,
              payload: { roles: ['user'] },
            }),
          ]);
          // The loser is refused either by the invariant or, if it authenticates after the winner commits, as a
          // non-admin; never do both go through.
          const outcomes = responses
            .map((r) => (r.statusCode === 200 ? 'ok' : `${r.statusCode} ${errorCode(r)}`))
            .sort();
          expect([
            ['409 LAST_ADMIN', 'ok'],
            ['403 FORBIDDEN', 'ok'],
          ]).toContainEqual(outcomes);
          expect(await countEnabledWithAnyRole(solo.services.stores.users, ['admin'])).toBe(1);

          // The same race straight at the service, where both transactions surely overlap.
          await restore();
          const settled = await Promise.allSettled([
            solo.services.users.update(a.id, { roles: ['user'] }, { bySession: true }),
            solo.services.users.update(b.id, { disabled: true }, { bySession: true }),
          ]);
          const refused = settled
            .filter((r) => r.status === 'rejected')
            .map((r) => (r.reason as { code?: string }).code);
          expect(refused).toEqual(['LAST_ADMIN']);
          expect(await countEnabledWithAnyRole(solo.services.stores.users, ['admin'])).toBe(1);
          await solo.services.stores.users.update(b.id, { disabled: false }, Date.now());
        }
      });

      /** Installs `roles` (with the default policy's purposes plus `user_admin`) over an empty user table. */
      async function freshPolicy(roles: Record<string, unknown>) {
        const base = defaultPolicyDocument();
        await solo.services.policies.put(
          { ...base, purposes: [...base.purposes, 'user_admin'], roles },
          { userId: randomUUID() },
        );
        for (const other of await solo.services.stores.users.list({ after: null, limit: 1000 }))
          await solo.services.stores.users.delete(other.id);
      }
      const allow = (actions: string[], resources: string[], extra: object = {}) => ({
        effect: 'allow',
        actions,
        resources,
        redaction: 'plain',
        ...extra,
      });
      const outcome = (r: { statusCode: number; json(): unknown }) =>
        `${r.statusCode} ${r.statusCode < 300 ? '' : (errorCode(r as never) ?? '')}`.trim();

      it('counts a role whose administration needs a purpose as administering', async () => {
        await freshPolicy({
          admin: {
            rules: [allow(['manage_users', 'manage_policies'], ['system/**'], { purposes: ['user_admin'] })],
          },
        });
        const admin = await loggedInUser(solo, ['admin']);
        const key = (await solo.services.apiKeys.create(admin.id, randomUUID(), { name: 'k' })).key;
        const withPurpose = { 'x-api-key': key, 'x-access-purpose': 'user_admin' };
        const made = await solo.app.inject({
          method: 'POST',
          url: '/v1/users',
          headers: withPurpose,
          payload: {
            username: `e${randomBytes(4).toString('hex')}`,
            password: strongPassword(),
            roles: ['admin'],
          },
        });
        expect(outcome(made)).toBe('403 FORBIDDEN');
        const demote = await solo.app.inject({
          method: 'PATCH',
          url: `/v1/users/${admin.id}`,
          headers: { ...admin.headers, 'x-access-purpose': 'user_admin' },
          payload: { roles: ['user'] },
        });
        expect(outcome(demote)).toBe('409 LAST_ADMIN');
      });

      it("decides each account's whole role list: a deny on a second role takes the power away", async () => {
        await freshPolicy({
          admin: { rules: [allow(['manage_users', 'manage_policies'], ['system/**'])] },
          readonly: {
            rules: [
              { effect: 'deny', actions: ['manage_users', 'manage_policies'], resources: ['system/**'] },
            ],
          },
        });
        const a = await loggedInUser(solo, ['admin']);
        await createUser(solo, ['admin', 'readonly']);
        const disableSelf = await solo.app.inject({
          method: 'PATCH',
          url: `/v1/users/${a.id}`,
          headers: a.headers,
          payload: { disabled: true },
        });
        expect(outcome(disableSelf)).toBe('409 LAST_ADMIN');
      });

      it('guards the accounts that manage the policy as it guards those that manage users', async () => {
        await freshPolicy({
          useradmin: { rules: [allow(['manage_users'], ['system/users', 'system/users/roles/**'])] },
          policyadmin: { rules: [allow(['manage_policies'], ['system/policies'])] },
        });
        const users = await loggedInUser(solo, ['useradmin']);
        const policies = await createUser(solo, ['policyadmin']);
        const key = (await solo.services.apiKeys.create(users.id, randomUUID(), { name: 'k' })).key;
        const create = {
          method: 'POST',
          url: '/v1/users',
          payload: {
            username: `p${randomBytes(4).toString('hex')}`,
            password: strongPassword(),
            roles: ['policyadmin'],
          },
        } as const;
        expect(outcome(await solo.app.inject({ ...create, headers: { 'x-api-key': key } }))).toBe(
          '403 FORBIDDEN',
        );
        const disable = {
          method: 'PATCH',
          url: `/v1/users/${policies.id}`,
          payload: { disabled: true },
        } as const;
        expect(outcome(await solo.app.inject({ ...disable, headers: { 'x-api-key': key } }))).toBe(
          '403 FORBIDDEN',
        );
        // From a session: the only account that can change the policy cannot be disabled either.
        expect(outcome(await solo.app.inject({ ...disable, headers: users.headers }))).toBe('409 LAST_ADMIN');
      });

      it('refuses a policy under which no enabled account could manage users', async () => {
        await freshPolicy({ admin: { rules: [allow(['manage_users', 'manage_policies'], ['system/**'])] } });
        const admin = await loggedInUser(solo, ['admin']);
        const base = defaultPolicyDocument();
        const orphaned = {
          ...base,
          roles: {
            admin: { rules: [allow(['manage_policies'], ['system/policies'])] },
            ops: { rules: [allow(['manage_users'], ['system/**'])] },
          },
        };
        const put = await solo.app.inject({
          method: 'PUT',
          url: '/v1/policies',
          headers: admin.headers,
          payload: orphaned,
        });
        expect(outcome(put)).toBe('409 POLICY_LOCKOUT');
        await solo.services.policies.put(defaultPolicyDocument(), { userId: randomUUID() });
      });

      it('follows the policy: the roles it lets manage users are the ones kept and guarded', async () => {
        const base = defaultPolicyDocument();
        const support = {
          rules: [
            {
              effect: 'allow',
              actions: ['manage_users', 'manage_policies'],
              resources: ['system/**'],
              redaction: 'plain',
            },
          ],
        };
        // `admin` is no role at all here: `support` alone manages users.
        await solo.services.policies.put(
          { ...base, roles: { user: base.roles.user, support } },
          {
            userId: randomUUID(),
          },
        );
        for (const other of await solo.services.stores.users.list({ after: null, limit: 1000 }))
          await solo.services.stores.users.delete(other.id);
        const manager = await loggedInUser(solo, ['support']);
        const key = (await solo.services.apiKeys.create(manager.id, randomUUID(), { name: 'k' })).key;
        const plain = await createUser(solo, ['user']);
        const as = (headers: Record<string, string>) => (attempt: InjectOptions) =>
          solo.app
            .inject({ ...attempt, headers })
            .then((r) => `${r.statusCode} ${errorCode(r) ?? ''}`.trim());
        const bySession = as(manager.headers);
        const byKey = as({ 'x-api-key': key });

        // The last enabled account that manages users stays one, whatever its role is called.
        expect(await bySession({ method: 'DELETE', url: `/v1/users/${manager.id}` })).toBe('409 LAST_ADMIN');
        const demote = {
          method: 'PATCH',
          url: `/v1/users/${manager.id}`,
          payload: { roles: ['user'] },
        } as const;
        expect(await bySession(demote)).toBe('409 LAST_ADMIN');
        // A key may manage ordinary accounts, never a manager nor make one.
        expect(
          await byKey({ method: 'PATCH', url: `/v1/users/${plain.id}`, payload: { disabled: true } }),
        ).toBe('200');
        expect(
          await byKey({ method: 'PATCH', url: `/v1/users/${plain.id}`, payload: { roles: ['support'] } }),
        ).toBe('403 FORBIDDEN');
        const newManager = { username: `m${randomBytes(4).toString('hex')}`, password: strongPassword() };
        const create = {
          method: 'POST',
          url: '/v1/users',
          payload: { ...newManager, roles: ['support'] },
        } as const;
        expect(await byKey(create)).toBe('403 FORBIDDEN');
        expect(await solo.services.stores.users.existsByUsername(newManager.username)).toBe(false);
        // From the session: a second manager, after which the first may step down.
        expect(await bySession(create)).toBe('201');
        expect(await bySession(demote)).toBe('200');
        expect(await byKey(demote)).toBe('403 FORBIDDEN');
        await solo.services.policies.put(defaultPolicyDocument(), { userId: randomUUID() });
      });
    },
  );
}

describe('deleting and disabling users', () => {
  it("cuts off a deleted user's access token, refresh token and API key at once", async () => {
    const admin = await loggedInUser(t, ['admin']);
    const victim = await loggedInUser(t);
    const key = await createKey(victim.id);
    expect((await me(victim.headers)).statusCode).toBe(200);
    expect((await me({ 'x-api-key': key.key })).statusCode).toBe(200);

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/v1/users/${victim.id}`,
      headers: admin.headers,
    });
    expect(deleted.statusCode).toBe(204);

    for (const headers of [
      victim.headers,
      { 'x-api-key': key.key },
      { authorization: `Bearer ${key.key}` },
    ]) {
      const response = await me(headers);
      expect(response.statusCode).toBe(401);
      expect(errorCode(response)).toBe('INVALID_TOKEN');
    }
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: victim.tokens.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);
    expect(errorCode(refresh)).toBe('INVALID_REFRESH_TOKEN');
    const relogin = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: victim.username, password: victim.password },
    });
    expect(relogin.statusCode).toBe(401);
    expect(errorCode(relogin)).toBe('INVALID_CREDENTIALS');
    const gone = await t.app.inject({ url: `/v1/users/${victim.id}`, headers: admin.headers });
    expect(gone.statusCode).toBe(404);
    expect(errorCode(gone)).toBe('USER_NOT_FOUND');
  });

  it('disabling revokes sessions, suspends API keys and refuses login; re-enabling allows login again', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const victim = await loggedInUser(t);
    // A second session left untouched while disabled: only the disable itself can have revoked it.
    const untouched = await login(t, victim.username, victim.password);
    const key = await createKey(victim.id);

    const disable = await t.app.inject({
      method: 'PATCH',
      url: `/v1/users/${victim.id}`,
      headers: admin.headers,
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(200);
    expect(disable.json()).toMatchObject({ id: victim.id, disabled: true });

    for (const headers of [victim.headers, { 'x-api-key': key.key }]) {
      const response = await me(headers);
      expect(response.statusCode).toBe(401);
      expect(errorCode(response)).toBe('INVALID_TOKEN');
    }
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: victim.tokens.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);
    expect(errorCode(refresh)).toBe('INVALID_REFRESH_TOKEN');
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: victim.username, password: victim.password },
    });
    expect(refused.statusCode).toBe(401);
    expect(errorCode(refused)).toBe('INVALID_CREDENTIALS');

    const enable = await t.app.inject({
      method: 'PATCH',
      url: `/v1/users/${victim.id}`,
      headers: admin.headers,
      payload: { disabled: false },
    });
    expect(enable.statusCode).toBe(200);
    const fresh = await login(t, victim.username, victim.password);
    expect((await me({ authorization: `Bearer ${fresh.access_token}` })).statusCode).toBe(200);
    // Sessions revoked by the disable stay revoked; API keys were only suspended.
    const revoked = await me({ authorization: `Bearer ${untouched.access_token}` });
    expect(revoked.statusCode).toBe(401);
    expect(errorCode(revoked)).toBe('INVALID_TOKEN');
    expect((await me(victim.headers)).statusCode).toBe(401);
    expect((await me({ 'x-api-key': key.key })).statusCode).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Deny by default at registration time.
// ---------------------------------------------------------------------------------------------------------------

describe('the authenticate plugin', () => {
  const actor: Actor = {
    kind: 'api_key',
    userId: 'u1',
    username: 'someone',
    roles: ['user'],
    userCreatedAt: 0,
    subjectHash: null,
    attributes: {},
    apiKeyId: 'k1',
  };
  const authenticator = { authenticate: async () => actor };
  // A stand-in for the policy: grants `read` on `granted/...` and nothing else, and records what it was asked.
  const asked: string[] = [];
  const authorizer = {
    purposes: () => new Set<string>(['support']),
    authorize: (_actor: unknown, action: Action, resource: { path: string }) => {
      asked.push(`${action} ${resource.path}`);
      if (action !== 'read' || !resource.path.startsWith('granted/')) throw new AppError('FORBIDDEN');
      return 'plain' as const;
    },
  };

  async function bareApp() {
    const app = Fastify();
    await app.register(errorHandler);
    await app.register(authenticate, { authenticator, authorizer });
    return app;
  }

  async function registrationError(
    add: (app: Awaited<ReturnType<typeof bareApp>>) => void,
  ): Promise<unknown> {
    const app = await bareApp();
    try {
      add(app);
      await app.ready();
      return null;
    } catch (error) {
      return error;
    } finally {
      await app.close().catch(() => undefined);
    }
  }

  it('refuses a route without an access declaration, at the root or in a child plugin', async () => {
    const atRoot = await registrationError((app) => app.get('/open', async () => ({ ok: true })));
    expect(atRoot).toMatchObject({ code: 'ROUTE_CONFIG_INVALID', field: 'config.access' });

    const inChild = await registrationError((app) =>
      app.register(async (child) => {
        child.post('/v1/child', { config: {} }, async () => ({ ok: true }));
      }),
    );
    expect(inChild).toMatchObject({ code: 'ROUTE_CONFIG_INVALID', field: 'config.access' });
  });

  it('enforces the declared level on routes that have one', async () => {
    const app = await bareApp();
    app.get('/public', { config: { access: 'public' } }, async () => ({ ok: true }));
    app.get('/any', { config: { access: 'authenticated' } }, async () => ({ ok: true }));
    app.get('/session', { config: { access: 'session' } }, async () => ({ ok: true }));
    await app.ready();
    const status = async (url: string) => (await app.inject({ url })).statusCode;
    expect({
      public: await status('/public'),
      any: await status('/any'),
      session: await status('/session'),
    }).toEqual({ public: 200, any: 200, session: 403 });
    await app.close();
  });

  it('refuses an unknown access level and a public route that asks the policy', async () => {
    const unknown = await registrationError((app) =>
      app.get('/admin', { config: { access: 'admin' as never } }, async () => ({ ok: true })),
    );
    expect(unknown).toMatchObject({ code: 'ROUTE_CONFIG_INVALID', field: 'config.access' });
    const publicAuthorized = await registrationError((app) =>
      app.get(
        '/open',
        { config: { access: 'public', authorize: { action: 'read', resource: 'granted/x' } } },
        async () => ({ ok: true }),
      ),
    );
    expect(publicAuthorized).toMatchObject({ code: 'ROUTE_CONFIG_INVALID', field: 'config.authorize' });
  });

  it('asks the policy for the declared action and resource, before the body or after validation', async () => {
    const app = await bareApp();
    const handled: string[] = [];
    const ok = (name: string) => async () => {
      handled.push(name);
      return { ok: true };
    };
    app.post(
      '/static-ok',
      { config: { access: 'authenticated', authorize: { action: 'read', resource: 'granted/a' } } },
      ok('static-ok'),
    );
    app.post(
      '/static-no',
      { config: { access: 'authenticated', authorize: { action: 'write', resource: 'granted/a' } } },
      ok('static-no'),
    );
    app.post<{ Body: { name: string } }>(
      '/named',
      {
        config: {
          access: 'authenticated',
          authorize: {
            action: 'read',
            resource: (request) => `granted/${(request.body as { name: string }).name}`,
          },
        },
        schema: {
          body: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string', pattern: '^[a-z]+$' } },
          },
        },
      },
      ok('named'),
    );
    await app.ready();
    const post = async (url: string, payload: unknown) =>
      (await app.inject({ method: 'POST', url, payload: payload as object })).statusCode;
    asked.length = 0;
    expect(await post('/static-ok', {})).toBe(200);
    expect(await post('/static-no', {})).toBe(403);
    // Refused before the body is looked at: an invalid body still gets the refusal.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/static-no',
          headers: { 'content-type': 'application/json' },
          payload: '{',
        })
      ).statusCode,
    ).toBe(403);
    expect(await post('/named', { name: 'abc' })).toBe(200);
    // A resource named by the body is decided only once the body is valid.
    expect(await post('/named', { name: 'ABC' })).toBe(400);
    expect(asked).toEqual(['read granted/a', 'write granted/a', 'write granted/a', 'read granted/abc']);
    expect(handled).toEqual(['static-ok', 'named']);
    await app.close();
  });
});

describe('granting the admin role', () => {
  it('needs an interactive admin session: an admin API key cannot create or promote an admin', async () => {
    const admin = await loggedInUser(t, ['admin']);
    const key = await createKey(admin.id);
    const keyHeaders = { 'x-api-key': key.key };
    const username = `p${randomBytes(6).toString('hex')}`;
    const create = (headers: Record<string, string>, roles: string[]) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers,
        payload: {
          username: `${username}${roles.length}${headers['x-api-key'] ? 'k' : 's'}`,
          password: strongPassword(),
          roles,
        },
      });
    const refused = await create(keyHeaders, ['admin']);
    expect(refused.statusCode).toBe(403);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(await t.services.stores.users.existsByUsername(`${username}1k`)).toBe(false);
    expect((await create(keyHeaders, ['user'])).statusCode).toBe(201);
    expect((await create(admin.headers, ['admin'])).statusCode).toBe(201);

    const target = await insertUser();
    const promote = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/users/${target.id}`,
        headers,
        payload: { roles: ['admin'] },
      });
    expect((await promote(keyHeaders)).statusCode).toBe(403);
    expect((await t.services.stores.users.findById(target.id))?.roles).toEqual(['user']);
    expect((await promote(admin.headers)).statusCode).toBe(200);

    // Nor touch an existing admin: re-enable, demote or delete (take-over or lock-out).
    await t.services.users.update(target.id, { disabled: true }, { bySession: true });
    for (const attempt of [
      { method: 'PATCH' as const, payload: { disabled: false } },
      { method: 'PATCH' as const, payload: { roles: ['user'] } },
      { method: 'DELETE' as const },
    ]) {
      const response = await t.app.inject({ ...attempt, url: `/v1/users/${target.id}`, headers: keyHeaders });
      expect(response.statusCode).toBe(403);
    }
    expect(await t.services.stores.users.findById(target.id)).toMatchObject({
      roles: ['admin'],
      disabled: true,
    });
  });
});
