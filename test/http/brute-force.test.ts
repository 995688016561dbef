/**
 * Guarantee: failed logins are throttled per account and per client address (exponential delay, then lockout with
 * 429 and Retry-After) without revealing whether the account exists; limits are configurable. The password hash
 * runs exactly once on every credential-failure path (unknown user, wrong password, disabled user), and throttled
 * requests are refused before any hashing, the same way for existing and unknown accounts.
 */
import argon2 from 'argon2';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  createTestApp,
  createTestClock,
  createUser,
  type TestApp,
  type TestClock,
} from '../helpers/test-app.js';

type Response = Awaited<ReturnType<TestApp['app']['inject']>>;

// Account: 3 free failures, then 2 s, 4 s, 8 s delays; locked for 600 s from the 6th failure.
const ACCOUNT = { free: 3, lockoutAfter: 6, base: 2, max: 60, lockout: 600 };
const FLAGS = {
  accountThrottleFreeAttempts: String(ACCOUNT.free),
  accountThrottleLockoutAfter: String(ACCOUNT.lockoutAfter),
  accountThrottleBaseDelaySeconds: String(ACCOUNT.base),
  accountThrottleMaxDelaySeconds: String(ACCOUNT.max),
  accountThrottleLockoutSeconds: String(ACCOUNT.lockout),
  // Out of the way of the per-account tests; the per-address test builds its own app.
  addressThrottleFreeAttempts: '1000',
  addressThrottleLockoutAfter: '100000',
};

let nextAddress = 1;
/** A client address of its own for each test, so address counters never mix between tests. */
const freshAddress = () => `198.51.100.${nextAddress++}`;
let nextName = 1;
const unknownName = () => `nobody-${process.pid}-${nextName++}`;

function attempt(t: TestApp, username: string, password: string, remoteAddress: string): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username, password },
    remoteAddress,
  });
}

function expectError(response: Response, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.json().error.code).toBe(code);
}

/** Retry-After as whole seconds; fails unless the header is a positive integer. */
function retryAfter(response: Response): number {
  const header = response.headers['retry-after'];
  expect(header).toMatch(/^[1-9][0-9]*$/);
  return Number(header);
}

/** Status (and Retry-After when 429) of one response, for comparing whole sequences. */
const outcome = (r: Response) => (r.statusCode === 429 ? `429/${retryAfter(r)}` : String(r.statusCode));

let clock: TestClock;
let t: TestApp;
let verify: MockInstance;
let verifyDummy: MockInstance;
let argonVerify: MockInstance;

/** Runs `request` and returns it with the number of password verifications (and argon2 runs) it caused. */
async function counted(request: () => Promise<Response>) {
  verify.mockClear();
  verifyDummy.mockClear();
  argonVerify.mockClear();
  const response = await request();
  return {
    response,
    hashes: verify.mock.calls.length + verifyDummy.mock.calls.length,
    argon2Runs: argonVerify.mock.calls.length,
  };
}

beforeAll(async () => {
  clock = createTestClock();
  t = await createTestApp({ clock, flags: FLAGS });
  verify = vi.spyOn(t.services.hasher, 'verify');
  verifyDummy = vi.spyOn(t.services.hasher, 'verifyDummy');
  argonVerify = vi.spyOn(argon2, 'verify');
});
afterEach(() => {
  // Every lockout and delay below is over after this, whatever a test left behind.
  clock.advance((ACCOUNT.lockout + ACCOUNT.max + 1) * 1000);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.close();
});

describe('password hashing on every credential-failure path', () => {
  it('hashes exactly once for an unknown user, a wrong password, a disabled user, and a success', async () => {
    const user = await createUser(t);
    const disabled = await createUser(t);
    await t.services.users.update(disabled.id, { disabled: true }, { bySession: true });

    const paths: Array<[string, string, string, number]> = [
      ['unknown user', unknownName(), 'Some-password-42', 401],
      ['wrong password', user.username, 'Not-the-password-42', 401],
      ['disabled user, right password', disabled.username, disabled.password, 401],
      ['disabled user, wrong password', disabled.username, 'Not-the-password-42', 401],
      ['right password', user.username, user.password, 200],
    ];
    for (const [name, username, password, status] of paths) {
      const { response, hashes, argon2Runs } = await counted(() =>
        attempt(t, username, password, freshAddress()),
      );
      expect({ name, status: response.statusCode, hashes, argon2Runs }).toEqual({
        name,
        status,
        hashes: 1,
        argon2Runs: 1,
      });
      if (status === 401) expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
    }
  });

  it('answers the failure paths with the same body', async () => {
    const user = await createUser(t);
    const disabled = await createUser(t);
    await t.services.users.update(disabled.id, { disabled: true }, { bySession: true });
    const bodies = [];
    for (const [username, password] of [
      [unknownName(), 'Some-password-42'],
      [user.username, 'Not-the-password-42'],
      [disabled.username, disabled.password],
    ] as const) {
      const response = await attempt(t, username, password, freshAddress());
      expectError(response, 401, 'INVALID_CREDENTIALS');
      expect(response.headers['retry-after']).toBeUndefined();
      bodies.push({ ...response.json().error, request_id: undefined });
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });
});

describe('per-account throttling', () => {
  /** The full sequence of outcomes for one username: free attempts, growing delays, then lockout. */
  async function failureSequence(username: string, address: () => string) {
    const seen: string[] = [];
    let hashed = 0;
    const step = async () => {
      const { response, hashes } = await counted(() =>
        attempt(t, username, 'Not-the-password-42', address()),
      );
      if (response.statusCode === 429) {
        expect(response.json().error.code).toBe('TOO_MANY_ATTEMPTS');
        expect(hashes).toBe(0);
      } else {
        expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
        expect(hashes).toBe(1);
      }
      hashed += hashes;
      seen.push(outcome(response));
      return response;
    };
    for (let i = 0; i < ACCOUNT.free; i++) await step();
    // Delays: each refusal says how long to wait; after waiting, one more failure doubles it.
    for (let i = 0; i < ACCOUNT.lockoutAfter - ACCOUNT.free; i++) {
      const refused = await step();
      await step();
      clock.advance(retryAfter(refused) * 1000);
      await step();
    }
    await step();
    return { seen, hashed };
  }

  it('delays exponentially after the free attempts, then locks out, with Retry-After', async () => {
    const user = await createUser(t);
    const { seen, hashed } = await failureSequence(user.username, freshAddress);
    expect(seen).toEqual([
      '401',
      '401',
      '401',
      '429/2',
      '429/2',
      '401',
      '429/4',
      '429/4',
      '401',
      '429/8',
      '429/8',
      '401',
      `429/${ACCOUNT.lockout}`,
    ]);
    expect(hashed).toBe(ACCOUNT.lockoutAfter);
  });

  it('throttles an unknown username exactly like an existing one', async () => {
    const user = await createUser(t);
    const existing = await failureSequence(user.username, freshAddress);
    clock.advance((ACCOUNT.lockout + 1) * 1000);
    const unknown = await failureSequence(unknownName(), freshAddress);
    expect(unknown.seen).toEqual(existing.seen);
    expect(unknown.hashed).toBe(existing.hashed);
    expect(existing.seen.at(-1)).toBe(`429/${ACCOUNT.lockout}`);
  });

  it('follows the account across client addresses and username case', async () => {
    const user = await createUser(t);
    const variants = [
      user.username,
      user.username.toUpperCase(),
      `${user.username[0]?.toUpperCase()}${user.username.slice(1)}`,
    ];
    for (const username of variants) {
      expectError(
        await attempt(t, username, 'Not-the-password-42', freshAddress()),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const refused = await attempt(t, user.username.toUpperCase(), 'Not-the-password-42', freshAddress());
    expectError(refused, 429, 'TOO_MANY_ATTEMPTS');
    expect(retryAfter(refused)).toBe(ACCOUNT.base);
  });

  it('refuses the right password during a delay without hashing, and accepts it after Retry-After, resetting the count', async () => {
    const user = await createUser(t);
    const address = freshAddress();
    for (let i = 0; i < ACCOUNT.free; i++) {
      expectError(
        await attempt(t, user.username, 'Not-the-password-42', address),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const during = await counted(() => attempt(t, user.username, user.password, address));
    expectError(during.response, 429, 'TOO_MANY_ATTEMPTS');
    expect(during.hashes).toBe(0);
    expect(during.argon2Runs).toBe(0);
    const wait = retryAfter(during.response);
    expect(wait).toBe(ACCOUNT.base);

    clock.advance(wait * 1000 - 1);
    expectError(await attempt(t, user.username, user.password, address), 429, 'TOO_MANY_ATTEMPTS');
    clock.advance(1);
    const after = await attempt(t, user.username, user.password, address);
    expect(after.statusCode).toBe(200);

    // The counter starts over: the free attempts are free again.
    for (let i = 0; i < ACCOUNT.free; i++) {
      expectError(
        await attempt(t, user.username, 'Not-the-password-42', address),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    expectError(await attempt(t, user.username, 'Not-the-password-42', address), 429, 'TOO_MANY_ATTEMPTS');
  });

  it('refuses the right password during a lockout, and for the whole lockout', async () => {
    const user = await createUser(t);
    const address = freshAddress();
    for (let i = 0; i < ACCOUNT.lockoutAfter; i++) {
      clock.advance(ACCOUNT.max * 1000);
      expectError(
        await attempt(t, user.username, 'Not-the-password-42', address),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const locked = await counted(() => attempt(t, user.username, user.password, address));
    expectError(locked.response, 429, 'TOO_MANY_ATTEMPTS');
    expect(retryAfter(locked.response)).toBe(ACCOUNT.lockout);
    expect(locked.hashes).toBe(0);
    clock.advance((ACCOUNT.lockout - 1) * 1000);
    const late = await attempt(t, user.username, user.password, address);
    expectError(late, 429, 'TOO_MANY_ATTEMPTS');
    expect(retryAfter(late)).toBe(1);
    clock.advance(1000);
    expect((await attempt(t, user.username, user.password, address)).statusCode).toBe(200);
  });

  it('lets no burst of concurrent guesses past the free attempts', async () => {
    const user = await createUser(t);
    const address = freshAddress();
    verify.mockClear();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => attempt(t, user.username, 'Not-the-password-42', address)),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ACCOUNT.free);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - ACCOUNT.free);
    expect(verify).toHaveBeenCalledTimes(ACCOUNT.free);
    for (const r of responses.filter((r) => r.statusCode === 429)) expectError(r, 429, 'TOO_MANY_ATTEMPTS');
  });

  it('counts a wrong current password on PUT /v1/me/password against the same account', async () => {
    const user = await createUser(t);
    const address = freshAddress();
    const login = await attempt(t, user.username, user.password, address);
    expect(login.statusCode).toBe(200);
    const headers = { authorization: `Bearer ${login.json().access_token}` };
    const change = (current_password: string) =>
      t.app.inject({
        method: 'PUT',
        url: '/v1/me/password',
        headers,
        payload: { current_password, new_password: 'Another-strong-passw0rd!' },
        remoteAddress: address,
      });
    for (let i = 0; i < ACCOUNT.free; i++) {
      const { response, hashes } = await counted(() => change('Not-the-password-42'));
      expectError(response, 401, 'INVALID_CREDENTIALS');
      expect(hashes).toBe(1);
    }
    const refused = await counted(() => change(user.password));
    expectError(refused.response, 429, 'TOO_MANY_ATTEMPTS');
    expect(retryAfter(refused.response)).toBe(ACCOUNT.base);
    expect(refused.hashes).toBe(0);
    // The same counter guards the login form.
    expectError(await attempt(t, user.username, user.password, freshAddress()), 429, 'TOO_MANY_ATTEMPTS');
  });
});

describe('per-address throttling', () => {
  let a: TestApp;
  let aClock: TestClock;
  beforeAll(async () => {
    aClock = createTestClock();
    a = await createTestApp({
      clock: aClock,
      flags: {
        addressThrottleFreeAttempts: '4',
        addressThrottleLockoutAfter: '8',
        addressThrottleBaseDelaySeconds: '5',
        addressThrottleLockoutSeconds: '1200',
      },
    });
  });
  afterAll(async () => {
    await a.close();
  });

  it('throttles failures spread over many usernames from one address, before any hashing', async () => {
    const user = await createUser(a);
    const verifySpy = vi.spyOn(a.services.hasher, 'verify');
    const dummySpy = vi.spyOn(a.services.hasher, 'verifyDummy');
    try {
      const address = '203.0.113.7';
      for (let i = 0; i < 4; i++) {
        expectError(await attempt(a, unknownName(), 'Some-password-42', address), 401, 'INVALID_CREDENTIALS');
      }
      verifySpy.mockClear();
      dummySpy.mockClear();
      for (const username of [unknownName(), user.username]) {
        const refused = await attempt(a, username, 'Some-password-42', address);
        expectError(refused, 429, 'TOO_MANY_ATTEMPTS');
        expect(retryAfter(refused)).toBe(5);
      }
      // Even the right password of a real account is refused from that address, with no hashing.
      expectError(await attempt(a, user.username, user.password, address), 429, 'TOO_MANY_ATTEMPTS');
      expect(verifySpy.mock.calls.length + dummySpy.mock.calls.length).toBe(0);
      // Another address is unaffected.
      expect((await attempt(a, user.username, user.password, '203.0.113.8')).statusCode).toBe(200);
      // After the delay the address may try again.
      aClock.advance(5_000);
      expect((await attempt(a, user.username, user.password, address)).statusCode).toBe(200);
    } finally {
      verifySpy.mockRestore();
      dummySpy.mockRestore();
    }
  });
});

describe('configuration', () => {
  it('defaults to 5 free attempts per account, and the limits are configurable', async () => {
    const plain = await createTestApp({ clock: createTestClock() });
    try {
      expect(plain.config.throttle.account).toEqual({
        freeAttempts: 5,
        lockoutAfter: 20,
        baseDelaySeconds: 1,
        maxDelaySeconds: 300,
        lockoutSeconds: 900,
      });
      const user = await createUser(plain);
      for (let i = 0; i < 5; i++) {
        expectError(
          await attempt(plain, user.username, 'Not-the-password-42', '192.0.2.1'),
          401,
          'INVALID_CREDENTIALS',
        );
      }
      const refused = await attempt(plain, user.username, 'Not-the-password-42', '192.0.2.1');
      expectError(refused, 429, 'TOO_MANY_ATTEMPTS');
      expect(retryAfter(refused)).toBe(1);
    } finally {
      await plain.close();
    }
    expect(t.config.throttle.account).toEqual({
      freeAttempts: ACCOUNT.free,
      lockoutAfter: ACCOUNT.lockoutAfter,
      baseDelaySeconds: ACCOUNT.base,
      maxDelaySeconds: ACCOUNT.max,
      lockoutSeconds: ACCOUNT.lockout,
    });
  });

  it('refuses inconsistent or out-of-range limits at start-up', () => {
    expect(() => loadConfig({ accountThrottleFreeAttempts: '5', accountThrottleLockoutAfter: '3' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_OUT_OF_RANGE' }),
    );
    expect(() => loadConfig({ addressThrottleFreeAttempts: '0' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_OUT_OF_RANGE' }),
    );
    expect(() => loadConfig({ accountThrottleLockoutSeconds: 'soon' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_NOT_A_NUMBER' }),
    );
  });
});

describe('load shedding', () => {
  it('refuses logins beyond the hash queue with 503 SERVICE_BUSY, without counting them against the account', async () => {
    const busy = await createTestApp({ flags: { ...FLAGS, hashConcurrency: '1', hashQueueLimit: '1' } });
    try {
      // Distinct accounts and addresses, so that only the hash queue can refuse.
      const tries = Array.from({ length: 8 }, () => ({ username: unknownName(), address: freshAddress() }));
      const responses = await Promise.all(
        tries.map((x) => attempt(busy, x.username, 'wrong-password-here', x.address)),
      );
      // One hashing, one queued; the other six are shed at once.
      expect(responses.filter((r) => r.statusCode === 401)).toHaveLength(2);
      const shedIndex = responses.findIndex((r) => r.statusCode === 503);
      const shed = responses.filter((r) => r.statusCode === 503);
      expect(shed).toHaveLength(6);
      for (const r of shed) {
        expectError(r, 503, 'SERVICE_BUSY');
        expect(retryAfter(r)).toBe(1);
      }
      // The shed attempt gave its reservation back: all three free failures are still there.
      const { username, address } = tries[shedIndex] ?? { username: '', address: '' };
      for (let i = 0; i < ACCOUNT.free; i++) {
        expectError(
          await attempt(busy, username, 'wrong-password-here', address),
          401,
          'INVALID_CREDENTIALS',
        );
      }
      expectError(await attempt(busy, username, 'wrong-password-here', address), 429, 'TOO_MANY_ATTEMPTS');
    } finally {
      await busy.close();
    }
  });
});
