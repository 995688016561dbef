/**
 * End-to-end: `strongroom check deployment` through the built binary against servers it started itself.
 * - The embedded default server (development key, initial password file) is reported with both, over the API and
 *   offline from its data directory; the SARIF output validates against the SARIF 2.1.0 schema.
 * - A production-mode server with a key file, its own certificate and the admin password changed has no high
 *   finding (exit 0 with --fail-on high), verifies the audit chain and resumes the next run from the checkpoint
 *   it verified.
 * - A user the policy does not grant read_posture cannot check (the server answers 403: exit 2, nothing reported).
 * Needs `npm run build`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import { ensureDevCertificates } from '../../src/tls/index.js';
import { type CliServer, json, loginAsAdmin, startCliServer } from './cli-harness.js';

const SCHEMA = path.resolve(import.meta.dirname, '../fixtures/check-sarif/sarif-2.1.0-rtm.5.json');
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
formats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
const NEW_ADMIN_PASSWORD = `Check-deployment-${randomBytes(9).toString('base64url')}`;
const BOB_PASSWORD = `Tr0ubadour-${randomBytes(12).toString('base64url')}`;

interface Report {
  findings: { ruleId: string; severity: string; location: { file: string } }[];
  totals: { high: number; medium: number; low: number };
  scanned: Record<string, number>;
}

const report = (stdout: string) => JSON.parse(stdout) as Report;
const ids = (r: Report) => new Set(r.findings.map((f) => f.ruleId));

describe('check deployment against the embedded default server', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCliServer();
    expect(loginAsAdmin(server).status).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  it('reports the development key and the initial password file (exit 1)', () => {
    const result = server.run(['check', 'deployment', '--format', 'json']);
    expect(result.status, result.stderr).toBe(1);
    const found = report(result.stdout);
    expect(ids(found)).toContain('deployment/root-key-development');
    expect(ids(found)).toContain('deployment/initial-password-file');
    expect(ids(found)).toContain('deployment/development-mode');
    // The TLS probes ran for real against the server: no legacy protocol, no CBC suite.
    expect(found.scanned.handshakes).toBeGreaterThanOrEqual(4);
    expect(ids(found)).not.toContain('url/tls-legacy-version');
    expect(ids(found)).not.toContain('url/tls-non-aead-cipher');
    expect(found.scanned['audit events verified']).toBeGreaterThan(0);
    expect(server.allOutput()).not.toContain(server.adminPassword);
  });

  it('reports both offline from the data directory too', () => {
    const result = server.run(['check', 'deployment', '--data-dir', server.dataDir, '--format', 'json']);
    expect(result.status, result.stderr).toBe(1);
    const found = report(result.stdout);
    expect(ids(found)).toEqual(
      new Set(['deployment/root-key-development', 'deployment/initial-password-file']),
    );
    fs.chmodSync(path.join(server.dataDir, 'master.key'), 0o640);
    try {
      const loose = report(
        server.run(['check', 'deployment', '--data-dir', server.dataDir, '--format', 'json']).stdout,
      );
      expect(ids(loose)).toContain('deployment/file-permissions');
    } finally {
      fs.chmodSync(path.join(server.dataDir, 'master.key'), 0o600);
    }
  });

  it('writes SARIF 2.1.0 that validates', () => {
    const result = server.run(['check', 'deployment', '--format', 'sarif']);
    const sarif = JSON.parse(result.stdout);
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
    const results = sarif.runs[0].results as { ruleId: string; level: string }[];
    expect(results.find((r) => r.ruleId === 'deployment/root-key-development')?.level).toBe('error');
  });

  it('refuses a user the policy does not grant read_posture (403: exit 2, no report)', () => {
    const created = server.run(['users', 'create', 'bob', '--role', 'user'], { input: `${BOB_PASSWORD}\n` });
    expect(created.status, created.stderr).toBe(0);
    const bob = server.run(['login', '--url', server.url, '--ca', server.caFile, '--username', 'bob'], {
      input: `${BOB_PASSWORD}\n`,
    });
    expect(bob.status, bob.stderr).toBe(0);
    const refused = server.run(['check', 'deployment']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('FORBIDDEN (403)');
    expect(refused.stdout).toBe('');
  });
});

describe('check deployment against a production-mode server with a real key', () => {
  let server: CliServer;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-check-deployment-'));
    const certs = await ensureDevCertificates(path.join(dir, 'own-tls'), { caName: 'Example operator CA' });
    const keyFile = path.join(dir, 'root.key');
    fs.writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    server = await startCliServer({
      serverArgs: ['--mode', 'production', '--tls-cert', certs.certPath, '--tls-key', certs.keyPath],
      serverEnv: {
        STRONGROOM_MASTER_KEY_FILE: keyFile,
        STRONGROOM_LOG_LEVEL: 'warn',
        // Checkpoints every second, so the chain has some to verify (and resume from) within the test.
        STRONGROOM_AUDIT_CHECKPOINT_SECONDS: '1',
      },
      caFile: certs.caCertPath,
    });
    expect(loginAsAdmin(server).status).toBe(0);
    const changed = server.run(['passwd'], { input: `${server.adminPassword}\n${NEW_ADMIN_PASSWORD}\n` });
    expect(changed.status, changed.stderr).toBe(0);
    const again = server.run(['login', '--url', server.url, '--ca', server.caFile, '--username', 'admin'], {
      input: `${NEW_ADMIN_PASSWORD}\n`,
    });
    expect(again.status, again.stderr).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await server?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports no high finding (exit 0 with --fail-on high)', async () => {
    // Let a checkpoint cover the logins' events.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const result = server.run(['check', 'deployment', '--format', 'json']);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const found = report(result.stdout);
    expect(found.totals.high).toBe(0);
    expect(ids(found)).not.toContain('deployment/root-key-development');
    expect(ids(found)).not.toContain('deployment/initial-password-file');
    expect(ids(found)).not.toContain('deployment/development-mode');
    expect(ids(found)).toContain('deployment/root-key-file');
    expect(found.scanned['signed checkpoints']).toBeGreaterThan(0);
    const table = server.run(['check', 'deployment']);
    expect(table.stdout).toMatch(/deployment: \d+ findings \(0 high,/);
  });

  it('verifies the audit chain incrementally: the next run resumes after the checkpoint verified', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const first = report(server.run(['check', 'deployment', '--format', 'json']).stdout);
    const marks = JSON.parse(fs.readFileSync(path.join(server.configDir, 'audit-verified.json'), 'utf8'));
    const mark = marks[server.url] as { seq: number; hash: string; key: { kid: string; x: string } };
    expect(mark.seq).toBeGreaterThan(0);
    expect(mark.hash).toMatch(/^[0-9a-f]{64}$/);
    // The checkpoint signing key the run verified with is pinned in the mark.
    expect(mark.key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mark.key.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = report(server.run(['check', 'deployment', '--format', 'json']).stdout);
    expect(first.scanned['audit events verified']).toBeGreaterThan(0);
    // The second run reads only the events after the mark the first one kept.
    expect(second.scanned['audit verification resumed after seq']).toBeGreaterThanOrEqual(mark.seq);
    // Checkpoints signed by another key than the pinned one: high finding, the mark kept as it was.
    const marksFile = path.join(server.configDir, 'audit-verified.json');
    const kept = JSON.parse(fs.readFileSync(marksFile, 'utf8'))[server.url] as typeof mark;
    const otherKey = { ...kept, key: { kid: kept.key.kid, x: 'A'.repeat(43) } };
    fs.writeFileSync(marksFile, JSON.stringify({ [server.url]: otherKey }));
    const changedRun = server.run(['check', 'deployment', '--format', 'json']);
    // High, so the default --fail-on high gate fails (review finding: a re-signed chain passed CI as medium).
    expect(changedRun.status).toBe(1);
    const changed = report(changedRun.stdout);
    const keyFinding = changed.findings.find((f) => f.ruleId === 'deployment/audit-signing-key-changed');
    expect(keyFinding?.severity).toBe('high');
    expect(JSON.parse(fs.readFileSync(marksFile, 'utf8'))[server.url]).toEqual(otherKey);
    // A marks file others may read is refused (exit 2), as the session file is.
    fs.chmodSync(marksFile, 0o644);
    const unsafe = server.run(['check', 'deployment', '--format', 'json']);
    expect(unsafe.status).not.toBe(0);
    expect(unsafe.stderr).toContain('SESSION_FILE_UNSAFE');
    fs.chmodSync(marksFile, 0o600);
    // A mark the server never signed (history rewritten since) is a high finding.
    fs.writeFileSync(
      path.join(server.configDir, 'audit-verified.json'),
      JSON.stringify({ [server.url]: { seq: mark.seq, hash: 'a'.repeat(64) } }),
    );
    const rewritten = server.run(['check', 'deployment', '--format', 'json']);
    expect(rewritten.status).toBe(1);
    expect(ids(report(rewritten.stdout))).toContain('deployment/audit-chain-broken');
  });

  it('works with an API key whose role a policy grants read_posture only (the chain then unverified, low)', () => {
    const document = defaultPolicyDocument() as { roles: Record<string, unknown> };
    document.roles.auditor = {
      rules: [{ effect: 'allow', actions: ['read_posture'], resources: ['system/posture'] }],
    };
    const policyFile = path.join(dir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(document));
    const applied = server.run(['policies', 'apply', policyFile, '--yes']);
    expect(applied.status, applied.stderr).toBe(0);
    json(server.run(['users', 'create', 'posture-bot', '--service', '--role', 'auditor', '--json']));
    const minted = json<{ key: string }>(
      server.run(['api-keys', 'create', 'nightly-posture', '--user', 'posture-bot', '--json']),
    );
    const run = server.run(
      ['check', 'deployment', '--url', server.url, '--ca', server.caFile, '--format', 'json'],
      {
        env: { STRONGROOM_TOKEN: minted.key },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(ids(report(run.stdout))).toContain('deployment/audit-chain-not-verified');
    expect(run.stdout + run.stderr).not.toContain(minted.key);
    // Without --ca and without a session that pinned the CA, the advice is --ca on this command, not a login.
    const unpinned = server.run(['check', 'deployment', '--url', server.url, '--format', 'json'], {
      env: { STRONGROOM_TOKEN: minted.key, XDG_CONFIG_HOME: path.join(dir, 'no-session') },
    });
    expect(unpinned.status).toBe(2);
    expect(unpinned.stderr).toMatch(/certificate does not verify; pass --ca FILE/);
    expect(unpinned.stderr).not.toMatch(/log in/);
    expect(unpinned.stdout + unpinned.stderr).not.toContain(minted.key);
  });

  it('shows a progress bar on stderr on a long chain, and never on stdout', () => {
    fs.rmSync(path.join(server.configDir, 'audit-verified.json'), { force: true });
    const result = server.run(['check', 'deployment', '--format', 'json', '--progress-after', '1']);
    expect(result.stderr).toMatch(/verifying the audit chain: 100% \(\d+\/\d+\)/);
    expect(() => JSON.parse(result.stdout)).not.toThrow();
  });
});
