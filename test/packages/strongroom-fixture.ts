/**
 * A real Strongroom server over TLS for the middleware tests, with an API key allowed to introspect (a user
 * holding only the default policy's `introspector` role) and helpers to log users in and out over HTTPS.
 */
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestApp, createUser, type TestApp } from '../helpers/test-app.js';
import { call } from './middleware-apps.js';

export interface StrongroomFixture {
  readonly t: TestApp;
  readonly url: string;
  readonly port: number;
  readonly ca: Buffer;
  readonly tls: { key: Buffer; cert: Buffer };
  readonly introspectionKey: string;
  /** A new user with `roles`, logged in: its id and access token. */
  login(roles?: string[]): Promise<{ userId: string; token: string }>;
  /**
   * A new user whose password an administrator reset, logged in with the one-time password (a session Strongroom
   * lets only change the password): its id, name, one-time password and access token.
   */
  loginPending(): Promise<{ userId: string; username: string; oneTimePassword: string; token: string }>;
  /** Logs `username` in over HTTPS: its access token. */
  loginAs(username: string, password: string): Promise<string>;
  /** Changes the password of the session behind `token` (PUT /v1/me/password). */
  changePassword(token: string, current: string, next: string): Promise<void>;
  logout(token: string): Promise<void>;
  close(): Promise<void>;
}

export async function startStrongroom(): Promise<StrongroomFixture> {
  const t = await createTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (t.app.server.address() as AddressInfo).port;
  const tlsDir = path.join(t.dataDir, 'tls');
  const tls = {
    key: await fs.readFile(path.join(tlsDir, 'server-key.pem')),
    cert: await fs.readFile(path.join(tlsDir, 'server.pem')),
  };

  async function loginAs(username: string, password: string) {
    const reply = await call(port, t.caCert, {
      method: 'POST',
      path: '/v1/auth/login',
      body: { username, password },
    });
    if (reply.status !== 200) throw new Error(`login failed: ${reply.status}`);
    return (reply.body as { access_token: string }).access_token;
  }

  async function login(roles: string[] = ['user']) {
    const user = await createUser(t, roles);
    return { userId: user.id, token: await loginAs(user.username, user.password) };
  }

  const introspector = await login(['introspector']);
  const created = await call(port, t.caCert, {
    method: 'POST',
    path: '/v1/api-keys',
    headers: { authorization: `Bearer ${introspector.token}` },
    body: { name: 'middleware' },
  });
  if (created.status !== 201 && created.status !== 200) throw new Error(`API key: ${created.status}`);

  return {
    t,
    url: `https://localhost:${port}`,
    port,
    ca: t.caCert,
    tls,
    introspectionKey: (created.body as { key: string }).key,
    login,
    loginAs,
    async loginPending() {
      const user = await createUser(t, ['user']);
      const { oneTimePassword } = await t.services.users.resetPassword(user.id, { bySession: true });
      const token = await loginAs(user.username, oneTimePassword);
      return { userId: user.id, username: user.username, oneTimePassword, token };
    },
    async changePassword(token, current, next) {
      const reply = await call(port, t.caCert, {
        method: 'PUT',
        path: '/v1/me/password',
        headers: { authorization: `Bearer ${token}` },
        body: { current_password: current, new_password: next },
      });
      if (reply.status !== 204) throw new Error(`password change failed: ${reply.status}`);
    },
    async logout(token) {
      const reply = await call(port, t.caCert, {
        method: 'POST',
        path: '/v1/auth/logout',
        headers: { authorization: `Bearer ${token}` },
      });
      if (reply.status !== 204 && reply.status !== 200) throw new Error(`logout failed: ${reply.status}`);
    },
    close: () => t.close(),
  };
}
