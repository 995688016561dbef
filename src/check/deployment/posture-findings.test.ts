import { describe, expect, it } from 'vitest';
import { file, goodPosture } from '../../../test/fixtures/posture/good-posture.js';
import type { Posture } from '../../services/posture/index.js';
import type { Finding } from '../finding.js';
import { DEPLOYMENT_RULE_LIST } from './deployment-rules.js';
import { postureFindings } from './posture-findings.js';

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
      root_key: { source: 'development-key-file', sealed: false, file_inside_data_dir: true },
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
    bad.files = [
      { ...file('data_dir', '0755'), group_or_other_access: true, owned_by_server: false },
      file('backup_leftover', '0700'),
    ];
    const found = findingsOf(bad);
    const ids = new Set(found.map((f) => f.ruleId));
    const expected = DEPLOYMENT_RULE_LIST.map((r) => r.id).filter(
      (id) =>
        ![
          'deployment/root-key-in-environment',
          'deployment/root-key-file',
          // Reported for a key file only, and this posture's root key is the development one (tested below).
          'deployment/root-key-in-data-dir',
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
    const of = (source: Posture['root_key']['source'], inside = false) =>
      findingsOf({ ...goodPosture(), root_key: { source, sealed: false, file_inside_data_dir: inside } }).map(
        (f) => f.ruleId,
      );
    expect(of('configured')).toEqual(['deployment/root-key-in-environment']);
    expect(of('key-file')).toEqual(['deployment/root-key-file']);
    // Any key file inside the data directory is as exposed as the development one (review finding).
    expect(of('key-file', true)).toEqual(['deployment/root-key-in-data-dir']);
    expect(
      findingsOf({
        ...goodPosture(),
        root_key: { source: 'key-file', sealed: false, file_inside_data_dir: true },
      })[0]?.severity,
    ).toBe('high');
    expect(of('sealed-keyring')).toEqual([]);
  });
});
