import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_RULE_LIST } from '../../../../src/check/deployment/deployment-rules.js';
import type { Posture } from '../../../../src/services/posture/posture-types.js';
import { isPosture, judgePosture } from './posture-judgement.js';

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

/** A deployment set up right (the same as src/check/deployment/posture-findings.test.ts). */
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

describe('the posture judged in the browser', () => {
  it('finds nothing in a good posture, and every rule says why it matters', () => {
    expect(judgePosture(goodPosture())).toEqual({ findings: [], totals: { low: 0, medium: 0, high: 0 } });
    for (const rule of DEPLOYMENT_RULE_LIST) expect(rule.why.length, rule.id).toBeGreaterThan(20);
  });

  it('lists the findings highest severity first, in the order found within one, with counts', () => {
    const posture = goodPosture();
    posture.policy.wildcard_grants = [{ role: 'ops', rule: 0 }];
    posture.mode = 'development';
    posture.root_key.source = 'development-key-file';
    posture.api_keys.without_expiry = { count: 3, ids: ['k1', 'k2'] };
    posture.initial_password_file.exists = true;
    const { findings, totals } = judgePosture(posture);
    expect(findings.map((finding) => [finding.rule.severity, finding.rule.id])).toEqual([
      ['high', 'deployment/root-key-development'],
      ['high', 'deployment/initial-password-file'],
      ['medium', 'deployment/development-mode'],
      ['medium', 'deployment/api-key-no-expiry'],
      ['low', 'deployment/policy-wildcard-grant'],
    ]);
    expect(totals).toEqual({ high: 2, medium: 2, low: 1 });
    expect(findings[0]).toMatchObject({
      pointer: '/root_key/source',
      message: 'root key source: development key file',
    });
    expect(findings[0]?.rule.why).toMatch(/data directory/);
    expect(findings[3]?.message).toContain('k1, k2');
  });

  it('reads only the posture format', () => {
    expect(isPosture(goodPosture())).toBe(true);
    expect(isPosture({ ...goodPosture(), format: 'strongroom-posture-v2' })).toBe(false);
    expect(isPosture(null)).toBe(false);
    expect(isPosture([])).toBe(false);
  });
});
