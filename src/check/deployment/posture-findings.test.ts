import { describe, expect, it } from 'vitest';
import type { Posture } from '../../services/posture/index.js';
import type { Finding } from '../finding.js';
import { DEPLOYMENT_RULE_LIST } from './deployment-rules.js';
import { postureFindings } from './posture-findings.js';

const none = { count: 0, ids: [] };
const throttle = { free_attempts: 5, lockout_after: 20, lockout_seconds: 900 };
const file = (name: string, mode: string) => ({
  name,
  path: `/srv/strongroom/${name}`,
  exists: true,
  mode,
  owned_by_server: true,
  group_or_other_access: false,
});

/** A deployment set up right: production, sealed keyring, own certificate, fresh keys, exported audit. */
function goodPosture(): Posture {
  return {
    format: 'strongroom-posture-v1',
    generated_at: '2026-12-07T12:00:00.000Z',
    version: '0.1.0',
    mode: 'production',
    root_key: { source: 'sealed-keyring', sealed: false },
    initial_password_file: { exists: false },
    tls: { development_certificate: false, http_port: null, trust_proxy: false },
    log_level: 'info',
    passwords: {
      argon2: { memory_cost: 19_456, time_cost: 2, parallelism: 1 },
      owasp_minimum: { memory_cost: 19_456, time_cost: 2, parallelism: 1 },
      meets_owasp_minimum: true,
      users: 3,
      outdated_argon2: none,
      bcrypt: none,
    },
    administrators: { count: 1, login_window_days: 90, without_recent_login: none, unrotated_api_keys: none },
    api_keys: { live: 2, max_age_days: 90, older_than_max_age: none, without_expiry: none },
    keys: {
      rotation_days: 365,
      signing: { created_at: '2026-12-01T00:00:00.000Z', age_days: 6, rotation_days: 30 },
      master: { created_at: '2026-10-01T00:00:00.000Z', age_days: 67 },
      data: { live: 4, older_than_rotation: none },
    },
    audit: {
      head_seq: 1200,
      anchor_seq: 0,
      latest_checkpoint: { seq: 1190, time: '2026-12-07T11:58:00.000Z', age_seconds: 120 },
      events_since_checkpoint: 10,
      unsigned_age_seconds: 100,
      checkpoint_seconds: 300,
      checkpoint_events: 1000,
      checkpoint_fresh: true,
      healthy: true,
      mirror_configured: false,
      sinks: [{ kind: 'syslog' }],
      retention_days: 0,
    },
    limits: {
      throttle: { account: throttle, address: { ...throttle, lockout_after: 100 }, password_check: throttle },
      quotas: [{ group: 'auth', capacity: 1000, per_minute: 600 }],
    },
    deployment: { database: 'postgres', redis_configured: true },
    files: [file('data_dir', '0700'), file('keyring', '0600')],
    policy: { version: 3, plain_without_purpose: [], wildcard_grants: [] },
  };
}

function findingsOf(posture: Posture): Finding[] {
  const found: Finding[] = [];
  postureFindings(posture, (rule, message, pointer) =>
    found.push({
      ruleId: rule.id,
      severity: rule.severity,
      message,
      location: { file: 'x', ...(pointer ? { pointer } : {}) },
    }),
  );
  return found;
}

describe('postureFindings', () => {
  it('finds nothing in a deployment set up right', () => {
    expect(findingsOf(goodPosture())).toEqual([]);
  });

  it('finds every weakness of a deployment set up wrong, each with its documented severity', () => {
    const bad = goodPosture();
    const some = { count: 25, ids: Array.from({ length: 20 }, (_, i) => `id-${i}`) };
    Object.assign(bad, {
      mode: 'development',
      root_key: { source: 'development-key-file', sealed: false },
      initial_password_file: { exists: true },
      tls: { development_certificate: true, http_port: 8080, trust_proxy: false },
      log_level: 'debug',
      deployment: { database: 'postgres', redis_configured: false },
      policy: {
        version: 1,
        plain_without_purpose: [
          { role: 'admin', rule: 0, conditional: false },
          { role: 'user', rule: 3, conditional: true },
        ],
        wildcard_grants: [{ role: 'admin', rule: 0 }],
      },
    });
    bad.passwords = {
      ...bad.passwords,
      argon2: { memory_cost: 4096, time_cost: 1, parallelism: 1 },
      meets_owasp_minimum: false,
      outdated_argon2: some,
      bcrypt: some,
    };
    bad.administrators = { ...bad.administrators, without_recent_login: some, unrotated_api_keys: some };
    bad.api_keys = { ...bad.api_keys, older_than_max_age: some, without_expiry: some };
    bad.keys = {
      rotation_days: 365,
      signing: { created_at: null, age_days: 45, rotation_days: 30 },
      master: { created_at: null, age_days: 800 },
      data: { live: 4, older_than_rotation: some },
    };
    bad.audit = {
      ...bad.audit,
      healthy: false,
      checkpoint_fresh: false,
      sinks: [],
      mirror_configured: false,
    };
    bad.limits = {
      throttle: {
        ...bad.limits.throttle,
        account: { free_attempts: 50, lockout_after: 500, lockout_seconds: 60 },
      },
      quotas: [{ group: 'auth', capacity: 100_000, per_minute: 600 }],
    };
    bad.files = [{ ...file('data_dir', '0755'), group_or_other_access: true, owned_by_server: false }];
    const found = findingsOf(bad);
    const ids = new Set(found.map((f) => f.ruleId));
    const expected = DEPLOYMENT_RULE_LIST.map((r) => r.id).filter(
      (id) =>
        ![
          'deployment/root-key-in-environment',
          'deployment/root-key-file',
          'deployment/audit-chain-broken',
          'deployment/audit-signing-key-changed',
          'deployment/audit-chain-not-verified',
          'deployment/development-key-file-present',
        ].includes(id),
    );
    expect([...ids].sort()).toEqual(expected.sort());
    for (const finding of found) {
      expect(finding.severity).toBe(DEPLOYMENT_RULE_LIST.find((r) => r.id === finding.ruleId)?.severity);
      expect(finding.location.pointer).toMatch(/^\//);
    }
    // A conditional plain grant (own records) is listed in the posture but is not a finding.
    expect(found.filter((f) => f.ruleId === 'deployment/policy-plain-without-purpose')).toHaveLength(1);
    expect(found.find((f) => f.ruleId === 'deployment/api-key-old')?.message).toContain('(5 more)');
  });

  it('tells the root key sources apart', () => {
    const of = (source: Posture['root_key']['source']) =>
      findingsOf({ ...goodPosture(), root_key: { source, sealed: false } }).map((f) => f.ruleId);
    expect(of('configured')).toEqual(['deployment/root-key-in-environment']);
    expect(of('key-file')).toEqual(['deployment/root-key-file']);
    expect(of('sealed-keyring')).toEqual([]);
  });
});
