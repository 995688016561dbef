import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { DEFAULT_QUOTAS } from './quotas.js';

describe('quota settings', () => {
  it('default every group, and read STRONGROOM_QUOTA_<GROUP>_CAPACITY and _PER_MINUTE', () => {
    expect(loadConfig({}, {}).quotas.defaults).toEqual(DEFAULT_QUOTAS);
    const config = loadConfig(
      { quotaRevealCapacity: 40 },
      { STRONGROOM_QUOTA_DETOKENIZE_CAPACITY: '100', STRONGROOM_QUOTA_DETOKENIZE_PER_MINUTE: '5' },
    );
    expect(config.quotas.defaults.detokenize).toEqual({ capacity: 100, perMinute: 5 });
    expect(config.quotas.defaults.reveal).toEqual({
      capacity: 40,
      perMinute: DEFAULT_QUOTAS.reveal.perMinute,
    });
    expect(config.quotas.memoryBuckets).toBe(100_000);
    expect(config.redisCommandTimeoutMs).toBe(1000);
  });

  it.each([
    ['STRONGROOM_QUOTA_READS_CAPACITY', '0', 'CONFIG_OUT_OF_RANGE', 'quotaReadsCapacity'],
    ['STRONGROOM_QUOTA_AUTH_PER_MINUTE', '1000001', 'CONFIG_OUT_OF_RANGE', 'quotaAuthPerMinute'],
    ['STRONGROOM_QUOTA_REVEAL_PER_MINUTE', '1.5', 'CONFIG_NOT_A_NUMBER', 'quotaRevealPerMinute'],
    ['STRONGROOM_REDIS_COMMAND_TIMEOUT_MS', '0', 'CONFIG_OUT_OF_RANGE', 'redisCommandTimeoutMs'],
  ])('refuses %s=%s (%s)', (variable, value, code, field) => {
    expect(() => loadConfig({}, { [variable]: value })).toThrow(expect.objectContaining({ code, field }));
  });
});
