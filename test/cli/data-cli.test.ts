/**
 * The built CLI on the commands that touch stored data: collections (create, add-field, drop after a typed
 * confirmation), records (put/get/patch/search/delete with --reveal, --purpose and --if-match), tokens, policies
 * (show, diff, apply, history, get, rollback, with If-Match) and key rotation, against a server on SQLite and,
 * when STRONGROOM_DATABASE_URL is set, on a PostgreSQL schema of its own. Bad input (bad JSON, bad YAML, a wrong
 * version, a refused confirmation, a stale revision) gets a clear message, a documented exit status, and changes
 * nothing. No password, token or sensitive value in any output but the ones asked for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, json, loginAsAdmin, startCliServer } from './cli-harness.js';

const backends = process.env.STRONGROOM_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
const EMAIL = 'ada.canary@example.com';

describe.each(backends)('data commands on %s', (backend) => {
  let server: CliServer;
  let recordId = '';
  const file = (name: string, text: string) => {
    const at = path.join(server.dir, name);
    fs.writeFileSync(at, text);
    return at;
  };

  beforeAll(async () => {
    server = await startCliServer({ postgres: backend === 'postgres' });
    expect(loginAsAdmin(server).status).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  it('logs the backends in use at start, with no credential of the database URL', async () => {
    // The log is written asynchronously: the line may follow "listening" by a moment on a busy machine.
    const find = () =>
      server
        .startupOutput()
        .split('\n')
        .find((text) => text.includes('backends in use'));
    for (let waited = 0; find() === undefined && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const line = find();
    expect(line).toBeDefined();
    const logged = JSON.parse(line as string) as {
      database: { kind: string };
      sharedState: string;
      mode: string;
      rootKey: string;
    };
    expect(logged.database.kind).toBe(backend === 'postgres' ? 'postgresql' : 'sqlite');
    expect(logged.sharedState).toMatch(/^(memory \(this node only\)|redis redis:\/\/)/);
    expect(logged.mode).toBe('development');
    expect(logged.rootKey).toBe('development-key-file');
    expect(line).not.toMatch(/postgres:\/\/[^/"]*@/);
  }, 30_000);

  it('creates a collection, adds an optional field, refuses a required one', () => {
    const created = server.run([
      'collections',
      'create',
      'customers',
      '--field',
      'email:email:sensitive:searchable:required',
      '--field',
      'tenant_id:text',
    ]);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/email\s+email\s+true\s+true\s+true/);
    const added = json<{ fields: { name: string }[] }>(
      server.run(['collections', 'add-field', 'customers', 'nickname:text', '--json']),
    );
    expect(added.fields.map((f) => f.name)).toEqual(['email', 'tenant_id', 'nickname']);
    const required = server.run(['collections', 'add-field', 'customers', 'phone:phone:sensitive:required']);
    expect(required.status).toBe(2);
    expect(required.stderr).toContain('body.required');
    expect(server.run(['collections', 'show', 'customers']).stdout).not.toContain('phone');
    expect(server.run(['collections', 'create', 'x', '--field', 'a:text:loud']).status).toBe(2);
  });

  it('stores, reads (masked, then revealed with a purpose), patches and searches records', () => {
    const put = server.run(['records', 'put', 'customers', '--subject', 'customer-42', '--json'], {
      input: JSON.stringify({ email: EMAIL, tenant_id: 'acme' }),
    });
    recordId = String(json(put).id);
    const masked = server.run(['records', 'get', 'customers', recordId]);
    expect(masked.status).toBe(0);
    expect(masked.stdout).not.toContain(EMAIL);
    expect(masked.stdout).toContain('tenant_id: acme');
    const noPurpose = server.run(['records', 'get', 'customers', recordId, '--reveal', 'email']);
    expect(noPurpose.stdout + noPurpose.stderr).not.toContain(EMAIL);
    const revealed = json<{ fields: { email: string } }>(
      server.run([
        'records',
        'get',
        'customers',
        recordId,
        '--reveal',
        'email',
        '--purpose',
        'support',
        '--json',
      ]),
    );
    expect(revealed.fields.email).toBe(EMAIL);

    const patched = json(
      server.run(['records', 'patch', 'customers', recordId, '--if-match', '1', '--json'], {
        input: '{"tenant_id": "globex"}',
      }),
    );
    expect(patched.revision).toBe(2);
    const stale = server.run(['records', 'patch', 'customers', recordId, '--if-match', '1'], {
      input: '{"tenant_id": "initech"}',
    });
    expect(stale.status).toBe(6);
    expect(stale.stderr).toContain('PRECONDITION_FAILED');
    const found = json<{ id: string; fields: Record<string, unknown> }[]>(
      server.run(['records', 'search', 'customers', '--purpose', 'support', '--json'], {
        input: JSON.stringify({ email: EMAIL }),
      }),
    );
    expect(found.map((r) => r.id)).toEqual([recordId]);
    expect(found[0]?.fields.tenant_id).toBe('globex');
  });

  it('refuses bad JSON without quoting it and stores nothing', () => {
    const before = server.run(['records', 'search', 'customers', '--json'], {
      input: '{"tenant_id":"acme"}',
    });
    const bad = server.run(['records', 'put', 'customers'], { input: `{"email": "${EMAIL}", ` });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('not valid JSON');
    expect(bad.stderr).not.toContain(EMAIL);
    const after = server.run(['records', 'search', 'customers', '--json'], { input: '{"tenant_id":"acme"}' });
    expect(after.stdout).toBe(before.stdout);
    expect(server.run(['records', 'get', 'customers', '00000000-0000-4000-8000-000000000000']).status).toBe(
      5,
    );
  });

  it('tokenizes a stored field and detokenizes it with a purpose', () => {
    const token = server.run([
      'tokens',
      'create',
      '--collection',
      'customers',
      '--record',
      recordId,
      '--field',
      'email',
    ]);
    expect(token.status, token.stderr).toBe(0);
    const value = token.stdout.trim();
    expect(value).not.toContain(EMAIL);
    const back = json<{ value: string }[]>(
      server.run(['tokens', 'detokenize', '--purpose', 'support', '--json'], { input: `${value}\n` }),
    );
    expect(back[0]?.value).toBe(EMAIL);
    expect(server.run(['tokens', 'detokenize'], { input: '' }).status).toBe(2);
  });

  it('rotates a collection key and returns when the job is done', () => {
    const rotated = server.run(['keys', 'rotate', '--collection', 'customers']);
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('Done');
    expect(rotated.stderr).toMatch(/completed/);
    expect(server.run(['keys', 'jobs']).stdout).toMatch(/collection\s+completed/);
    expect(server.run(['keys', 'rotate']).status).toBe(2);
  });

  it('shows, diffs and applies a policy; bad YAML and a refused confirmation change nothing', () => {
    const shown = server.run(['policies', 'show']);
    expect(shown.stdout).toContain('purposes:');
    const edited = file('policy.yaml', shown.stdout.replace('purposes:\n', 'purposes:\n  - analytics\n'));
    const diff = server.run(['policies', 'diff', edited]);
    expect(diff.stdout).toContain('+  - analytics');
    const declined = server.run(['policies', 'apply', edited], { input: 'no\n' });
    expect(declined.status).toBe(7);
    const bad = server.run(['policies', 'apply', file('bad.yaml', 'version: 1\npurposes: [a\n'), '--yes']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not valid YAML or JSON.*line \d+/);
    expect(json<unknown[]>(server.run(['policies', 'history', '--json']))).toHaveLength(1);
    const applied = server.run(['policies', 'apply', edited], { input: 'apply\n' });
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('version 2');
    expect(server.run(['policies', 'diff', edited]).stdout).toContain('No change');
  });

  it('gets an old version, rolls back to it, and names a wrong version', () => {
    expect(server.run(['policies', 'get', '1']).stdout).not.toContain('analytics');
    const missing = server.run(['policies', 'get', '99']);
    expect(missing.status).toBe(5);
    expect(missing.stderr).toContain('POLICY_VERSION_NOT_FOUND');
    expect(server.run(['policies', 'rollback', '99', '--yes']).status).toBe(5);
    expect(server.run(['policies', 'get', 'two']).status).toBe(2);
    const back = server.run(['policies', 'rollback', '1', '--yes']);
    expect(back.status, back.stderr).toBe(0);
    expect(back.stderr).toContain('-  - analytics');
    expect(server.run(['policies', 'show']).stdout).not.toContain('analytics');
    expect(json<unknown[]>(server.run(['policies', 'history', '--json']))).toHaveLength(3);
  });

  it('drops a collection only after its name is typed', () => {
    const refused = server.run(['collections', 'drop', 'customers'], { input: 'customer\n' });
    expect(refused.status).toBe(7);
    expect(server.run(['records', 'get', 'customers', recordId]).status).toBe(0);
    expect(server.run(['collections', 'drop', 'nope', '--yes']).status).toBe(5);
    const dropped = server.run(['collections', 'drop', 'customers'], { input: 'customers\n' });
    expect(dropped.status, dropped.stderr).toBe(0);
    expect(server.run(['collections', 'show', 'customers']).status).toBe(5);
  });

  it('printed the sensitive value only where revealed, and no password or refresh token', () => {
    const output = server.allOutput();
    expect(output).not.toContain(server.adminPassword);
    const session = JSON.parse(fs.readFileSync(server.sessionFile(), 'utf8')) as { refresh_token: string };
    expect(output).not.toContain(session.refresh_token);
    // Revealed by `records get --reveal --json` and by `tokens detokenize`, nowhere else.
    expect(output.split(EMAIL).length - 1).toBe(2);
  });
});
