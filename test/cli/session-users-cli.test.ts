/**
 * The built CLI against a real server: login (password from stdin, session file 0600 in a 0700 directory, the
 * refresh token rotated by every command and never printed), users and API keys (service accounts included), bad
 * input refused with a clear message and nothing changed, passwd and logout ending the session, per-command help.
 * At the end, every byte any command printed is scanned for the passwords, tokens and keys it handled.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, json, loginAsAdmin, startCliServer, storedRefreshToken } from './cli-harness.js';

const BOB_PASSWORD = 'marmalade otters sing 4 quiet tunes';
const NEW_ADMIN_PASSWORD = 'seven lanterns drift over the harbour';
const CAROL_PASSWORD = 'quiet pebbles count nine slow clouds';
const CAROL_NEW_PASSWORD = 'amber kites circle the old lighthouse';
let server: CliServer;
/** Secrets that must never appear in any output (the API key is allowed once, in `api-keys create`). */
const canaries: string[] = [];

beforeAll(async () => {
  server = await startCliServer();
  canaries.push(server.adminPassword, BOB_PASSWORD, NEW_ADMIN_PASSWORD, CAROL_PASSWORD, CAROL_NEW_PASSWORD);
}, 90_000);
afterAll(async () => {
  await server?.close();
});

describe('login and the session file', () => {
  it('refuses a wrong password with its code and keeps no file', () => {
    const result = server.run(['login', '--url', server.url, '--ca', server.caFile, '--username', 'admin'], {
      input: 'not the password\n',
    });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('INVALID_CREDENTIALS');
    expect(fs.existsSync(server.sessionFile())).toBe(false);
  });

  it('refuses a plain-http URL before asking anything', () => {
    const result = server.run(['login', '--url', server.url.replace('https:', 'http:')], { input: 'x\ny\n' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('https://');
  });

  it('logs in with the password from stdin; the file is 0600 in a 0700 directory', () => {
    const result = loginAsAdmin(server);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Logged in');
    expect(fs.statSync(server.sessionFile()).mode & 0o777).toBe(0o600);
    expect(fs.statSync(server.configDir).mode & 0o777).toBe(0o700);
    canaries.push(storedRefreshToken(server));
  });

  it('rotates the stored refresh token on every command', () => {
    const before = storedRefreshToken(server);
    const me = json(server.run(['whoami', '--json']));
    expect(me.username).toBe('admin');
    const after = storedRefreshToken(server);
    expect(after).not.toBe(before);
    expect(fs.statSync(server.sessionFile()).mode & 0o777).toBe(0o600);
    canaries.push(after);
  });

  it('refuses a session file others can read', () => {
    fs.chmodSync(server.sessionFile(), 0o644);
    const result = server.run(['whoami']);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('SESSION_FILE_UNSAFE');
    fs.chmodSync(server.sessionFile(), 0o600);
  });
});

describe('users', () => {
  it('creates, shows, updates, disables and enables a user by name', () => {
    const created = json(
      server.run(['users', 'create', 'bob', '--role', 'user', '--attribute', 'tenant_id=acme', '--json'], {
        input: `${BOB_PASSWORD}\n`,
      }),
    );
    expect(created).toMatchObject({ username: 'bob', roles: ['user'], attributes: { tenant_id: 'acme' } });
    expect(json(server.run(['users', 'show', 'bob', '--json'])).id).toBe(created.id);
    expect(json(server.run(['users', 'update', 'bob', '--subject', 'bob-1', '--json'])).subject).toBe(
      'bob-1',
    );
    expect(json(server.run(['users', 'update', 'bob', '--no-subject', '--json'])).subject).toBeNull();
    expect(json(server.run(['users', 'disable', 'bob', '--json'])).disabled).toBe(true);
    expect(json(server.run(['users', 'enable', String(created.id), '--json'])).disabled).toBe(false);
    const table = server.run(['users', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+USERNAME\s+ROLES/);
    expect(table.stdout).toContain('bob');
  });

  it('names an unknown user and changes nothing', () => {
    for (const args of [
      ['show', 'nobody'],
      ['disable', 'nobody'],
      ['delete', 'nobody', '--yes'],
    ]) {
      const result = server.run(['users', ...args]);
      expect(result.status, args.join(' ')).toBe(5);
      expect(result.stderr).toContain('no user named "nobody"');
    }
    const unknownId = server.run(['users', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(unknownId.status).toBe(5);
    expect(unknownId.stderr).toContain('USER_NOT_FOUND');
  });

  it('refuses an unknown role with the server code and changes nothing', () => {
    const result = server.run(['users', 'update', 'bob', '--role', 'no_such_role']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/error: [A-Z_]+: /);
    expect(json(server.run(['users', 'show', 'bob', '--json'])).roles).toEqual(['user']);
  });

  it('deletes only after the username is typed', () => {
    const refused = server.run(['users', 'delete', 'bob'], { input: 'bo\n' });
    expect(refused.status).toBe(7);
    expect(refused.stderr).toContain('not confirmed');
    expect(server.run(['users', 'show', 'bob']).status).toBe(0);
    const done = server.run(['users', 'delete', 'bob'], { input: 'bob\n' });
    expect(done.status, done.stderr).toBe(0);
    expect(server.run(['users', 'show', 'bob']).status).toBe(5);
  });
});

describe('api keys', () => {
  it('prints a new key once; the key works as STRONGROOM_TOKEN until revoked', () => {
    const created = server.run(['api-keys', 'create', 'ci', '--json']);
    const key = json<{ id: string; key: string }>(created);
    expect(key.key).toMatch(/^srk_/);
    const listed = server.run(['api-keys', 'list']);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).not.toContain(key.key);
    // No roles given: the key acts with all of its owner's, which a table says (JSON keeps the server's null).
    expect(listed.stdout).toContain("(owner's roles)");
    expect(json<Array<{ roles: unknown }>>(server.run(['api-keys', 'list', '--json']))[0]?.roles).toBeNull();
    // Logged in: the key goes to the session's server with the CA the login pinned, no --url or --ca needed.
    const beside = server.run(['whoami', '--json'], { env: { STRONGROOM_TOKEN: key.key } });
    expect(json(beside).authenticated_by).toBe('api_key');
    // Another server (here another spelling of it) and no --ca: the advice is --ca, not a login.
    const elsewhere = server.run(['whoami', '--url', server.url.replace('127.0.0.1', 'localhost')], {
      env: { STRONGROOM_TOKEN: key.key },
    });
    expect(elsewhere.status).toBe(8);
    expect(elsewhere.stderr).toContain('pass --ca FILE');
    expect(elsewhere.stderr).not.toContain('log in');
    const asKey = server.run(['whoami', '--json', '--url', server.url, '--ca', server.caFile], {
      env: { STRONGROOM_TOKEN: key.key },
    });
    expect(json(asKey).authenticated_by).toBe('api_key');
    expect(server.run(['api-keys', 'revoke', key.id]).status).toBe(0);
    const revoked = server.run(['whoami', '--url', server.url, '--ca', server.caFile], {
      env: { STRONGROOM_TOKEN: key.key },
    });
    expect(revoked.status).toBe(3);
    // A key that is not whole (a character a header cannot carry, a mistyped or cut character) is refused before
    // any request, naming the variable and never the value: fetch's own error would quote the header, key and all.
    const body = key.key.slice(4, 40);
    const flipped = key.key.at(20) === 'a' ? 'b' : 'a';
    for (const mangled of [
      `${key.key.slice(0, 20)}\n${key.key.slice(20)}`,
      `${key.key.slice(0, 20)}\t${key.key.slice(20)}`,
      `${key.key.slice(0, 20)} ${key.key.slice(20)}`,
      `${key.key.slice(0, 20)}${flipped}${key.key.slice(21)}`,
      key.key.slice(0, -1),
      `${key.key}é`,
    ]) {
      for (const args of [['whoami'], ['check', 'deployment', '--url', server.url]]) {
        const refused = server.run(args, { env: { STRONGROOM_TOKEN: mangled } });
        expect(refused.status, refused.stderr).not.toBe(0);
        expect(refused.stderr).toContain('STRONGROOM_TOKEN');
        expect(refused.stdout + refused.stderr).not.toContain(body.slice(10, 26));
      }
    }
    // The key was printed by `create` only.
    expect(server.allOutput().split(key.key).length - 1).toBe(1);
    expect(created.stdout).toContain(key.key);
  });

  it('an admin mints, lists and revokes a key for a service account', () => {
    const service = json(server.run(['users', 'create', 'billing-bot', '--service', '--json']));
    expect(service.service).toBe(true);
    const minted = json<{ id: string; key: string }>(
      server.run(['api-keys', 'create', 'nightly', '--user', 'billing-bot', '--json']),
    );
    const listed = server.run(['api-keys', 'list', '--user', 'billing-bot']);
    expect(listed.stdout).toContain(minted.id);
    const asBot = json(
      server.run(['whoami', '--json', '--url', server.url, '--ca', server.caFile], {
        env: { STRONGROOM_TOKEN: minted.key },
      }),
    );
    expect(asBot.username).toBe('billing-bot');
    expect(server.run(['api-keys', 'revoke', minted.id, '--user', 'billing-bot']).status).toBe(0);
    expect(server.allOutput().split(minted.key).length - 1).toBe(1);
    expect(server.run(['api-keys', 'create', 'x', '--user', 'nobody']).status).toBe(5);
  });
});

describe('passwd, logout and help', () => {
  it('passwd changes the password and asks to log in again; the new one works', () => {
    const changed = server.run(['passwd'], { input: `${server.adminPassword}\n${NEW_ADMIN_PASSWORD}\n` });
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('log in again');
    expect(fs.existsSync(server.sessionFile())).toBe(false);
    const loggedOut = server.run(['whoami']);
    expect(loggedOut.status).toBe(3);
    expect(loggedOut.stderr).toContain('strongroom login --url https://HOST:PORT [--ca FILE]');
    const again = server.run(['login', '--url', server.url, '--ca', server.caFile, '--username', 'admin'], {
      input: `${NEW_ADMIN_PASSWORD}\n`,
    });
    expect(again.status, again.stderr).toBe(0);
  });

  it('reset-password prints a one-time password once; the user must change it before anything else', () => {
    const login = (password: string) =>
      server.run(['login', '--url', server.url, '--ca', server.caFile, '--username', 'carol'], {
        input: `${password}\n`,
      });
    expect(server.run(['users', 'create', 'carol'], { input: `${CAROL_PASSWORD}\n` }).status).toBe(0);
    const reset = server.run(['users', 'reset-password', 'carol']);
    expect(reset.status, reset.stderr).toBe(0);
    const oneTime = reset.stdout.trim().split('\n').at(-1) ?? '';
    expect(oneTime).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(server.run(['users', 'reset-password', 'nobody']).status).toBe(5);
    expect(login(CAROL_PASSWORD).status).toBe(3);
    expect(login(oneTime).status).toBe(0);
    const blocked = server.run(['collections', 'list']);
    expect(blocked.status).toBe(4);
    expect(blocked.stderr).toContain('PASSWORD_CHANGE_REQUIRED');
    expect(blocked.stderr).toContain('strongroom passwd');
    const changed = server.run(['passwd'], { input: `${oneTime}\n${CAROL_NEW_PASSWORD}\n` });
    expect(changed.status, changed.stderr).toBe(0);
    expect(login(CAROL_NEW_PASSWORD).status).toBe(0);
    expect(server.run(['collections', 'list']).status).toBe(0);
    // The one-time password was printed by reset-password only.
    expect(server.allOutput().split(oneTime).length - 1).toBe(1);
    const admin = server.run(['login', '--url', server.url, '--ca', server.caFile, '--username', 'admin'], {
      input: `${NEW_ADMIN_PASSWORD}\n`,
    });
    expect(admin.status).toBe(0);
  });

  it('logout revokes the session: the stored token no longer works and the file is gone', () => {
    const token = storedRefreshToken(server);
    canaries.push(token);
    expect(server.run(['logout']).status).toBe(0);
    expect(fs.existsSync(server.sessionFile())).toBe(false);
    // Put the old token back: the server refuses it, the CLI says to log in, and deletes the useless file.
    const ca = fs.readFileSync(server.caFile, 'utf8');
    const kept = JSON.stringify({ url: server.url, ca, username: 'admin', refresh_token: token });
    fs.mkdirSync(server.configDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(server.sessionFile(), kept, { mode: 0o600 });
    const result = server.run(['whoami']);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('log in again');
    expect(fs.existsSync(server.sessionFile())).toBe(false);
  });

  it("lists only a command's own flags", () => {
    const verify = server.run(['audit', 'verify', '--help']).stdout;
    expect(verify).toContain('--checkpoints');
    expect(verify).not.toContain('--tls-cert');
    expect(verify).not.toContain('--keyring');
    const get = server.run(['records', 'get', '--help']).stdout;
    expect(get).toContain('--reveal');
    expect(get).not.toContain('--data-dir');
    expect(server.run(['serve', '--help']).stdout).toContain('--trust-proxy');
    expect(server.run(['users', 'frobnicate']).status).toBe(2);
  });

  it('never printed a password, refresh token or key', () => {
    const output = server.allOutput();
    for (const canary of canaries) expect(output.includes(canary), 'a secret was printed').toBe(false);
  });
});
