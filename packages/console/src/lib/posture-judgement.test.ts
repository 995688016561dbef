import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_RULE_LIST } from '../../../../src/check/deployment/deployment-rules.js';
import { goodPosture } from '../../../../test/fixtures/posture/good-posture.js';
import { isPosture, judgePosture } from './posture-judgement.js';

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
