/** The throttle of refused passwords, over the memory attempt store and Redis (when STRONGROOM_REDIS_URL is set). */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ThrottleConfig } from '../config.js';
import { AppError } from '../errors.js';
import { type AttemptStore, createMemoryAttemptStore, createRedisAttemptStore } from '../state/index.js';
import { throttlePasswordChecks } from './password-check-throttle.js';
import type { PasswordPolicy } from './password-policy.js';

const REDIS_URL = process.env.STRONGROOM_REDIS_URL ?? null;
const CONFIG: ThrottleConfig = {
  freeAttempts: 5,
  lockoutAfter: 30,
  baseDelaySeconds: 1,
  maxDelaySeconds: 60,
  lockoutSeconds: 900,
};

/** A policy that refuses `weak`, is busy for `busy`, accepts anything else, and counts what it checked. */
function countingPolicy() {
  const checked: string[] = [];
  const policy: PasswordPolicy = {
    async check(password, context) {
      if (password === 'busy') throw new AppError('SERVICE_BUSY', { retryAfter: 1 });
      checked.push(password);
      if (password === 'weak')
        throw new AppError('PASSWORD_TOO_COMMON', { field: context?.field ?? 'password' });
    },
  };
  return { policy, checked };
}

async function outcome(promise: Promise<void>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as AppError).code;
  }
}

const stores: Array<[string, () => AttemptStore]> = [['memory', () => createMemoryAttemptStore()]];
if (REDIS_URL !== null) {
  stores.push([
    'redis',
    () =>
      createRedisAttemptStore({
        url: REDIS_URL,
        prefix: `strongroom-test-${randomBytes(4).toString('hex')}:`,
        commandTimeoutMs: 1000,
      }),
  ]);
}

describe.each(stores)('failed password checks throttled per user (%s store)', (_name, make) => {
  const store = make();
  afterAll(async () => {
    await store.close();
  });
  let now = Date.now();
  const setup = () => {
    const { policy, checked } = countingPolicy();
    const throttled = throttlePasswordChecks(policy, {
      store,
      config: CONFIG,
      hmacKey: () => Buffer.alloc(32, 7),
      clock: () => now,
    });
    return {
      checked,
      throttled,
      check: (password: string, actorId?: string) =>
        outcome(throttled.check(password, { ...(actorId === undefined ? {} : { actorId }) })),
    };
  };

  it('answers RATE_LIMITED with Retry-After past the limit, without checking, for that user only', async () => {
    const { check, checked, throttled } = setup();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const first = [];
    for (let i = 0; i < CONFIG.freeAttempts; i++) first.push(await check('weak', alice));
    expect(first).toEqual(Array(CONFIG.freeAttempts).fill('PASSWORD_TOO_COMMON'));
    const refusal = await throttled.check('weak', { actorId: alice }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfter: CONFIG.baseDelaySeconds });
    expect(await check('a fine password', alice)).toBe('RATE_LIMITED');
    expect(checked).toHaveLength(CONFIG.freeAttempts);
    // Another user is not affected.
    expect(await check('weak', bob)).toBe('PASSWORD_TOO_COMMON');
    // Once the delay has passed, checks run again (and the next failure doubles the delay).
    now += CONFIG.baseDelaySeconds * 1000;
    expect(await check('weak', alice)).toBe('PASSWORD_TOO_COMMON');
    expect(await check('weak', alice)).toBe('RATE_LIMITED');
  });

  it('counts failures only: accepted passwords and busy refusals never lead to a refusal', async () => {
    const { check } = setup();
    const carol = randomUUID();
    const outcomes = [];
    for (let i = 0; i < 3 * CONFIG.freeAttempts; i++) {
      outcomes.push(await check(`accepted ${i}`, carol), await check('busy', carol));
    }
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toEqual([]);
  });

  it('lets an accepted password forget the failures, so refusals never outnumber acceptances by the limit', async () => {
    const { check } = setup();
    const dave = randomUUID();
    const outcomes = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < CONFIG.freeAttempts - 1; i++) outcomes.push(await check('weak', dave));
      // After a few refusals, accepted passwords follow one another without a refusal in between.
      outcomes.push(await check('ok 1', dave), await check('ok 2', dave));
    }
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toEqual([]);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(6);
  });

  it('does not throttle a check made for no user (code with no requester)', async () => {
    const { check } = setup();
    const outcomes = [];
    for (let i = 0; i < 2 * CONFIG.freeAttempts; i++) outcomes.push(await check('weak'));
    expect(new Set(outcomes)).toEqual(new Set(['PASSWORD_TOO_COMMON']));
  });
});
