import { describe, expect, it } from 'vitest';
import type { IntrospectionAnswer } from './introspection-client.js';
import { createSessionChecker } from './session-checker.js';

const claims = { sub: 'user-1', sid: 'session-1', exp: 2e9, iat: 1e9 };
const ACTIVE: IntrospectionAnswer = { active: true, sub: 'user-1', sid: 'session-1', roles: ['user'] };

/** A Strongroom stand-in whose answer the test sets; it counts the questions it is asked. */
function strongroom(answer: IntrospectionAnswer | Error = ACTIVE) {
  const state = { answer, asked: 0 };
  const introspect = async (_token: string): Promise<IntrospectionAnswer> => {
    state.asked++;
    await new Promise((resolve) => setImmediate(resolve));
    if (state.answer instanceof Error) throw state.answer;
    return state.answer;
  };
  return { state, introspect };
}

function checker(
  introspect: (token: string) => Promise<IntrospectionAnswer>,
  windowMs: number,
  clock: () => number,
) {
  return createSessionChecker({ introspect, windowMs, clock, maxEntries: 100 });
}

describe('createSessionChecker', () => {
  it('asks once per session and window, then again once the window has passed', async () => {
    const { state, introspect } = strongroom();
    let now = 0;
    const sessions = checker(introspect, 5000, () => now);
    expect(await sessions.check('t1', claims)).toEqual({ ok: true, roles: ['user'] });
    now = 4999;
    expect(await sessions.check('t2', claims)).toEqual({ ok: true, roles: ['user'] });
    expect(state.asked).toBe(1);
    now = 5000;
    await sessions.check('t1', claims);
    expect(state.asked).toBe(2);
  });

  it('sees a revocation once the window has passed, and refuses the token for good', async () => {
    const { state, introspect } = strongroom();
    let now = 0;
    const sessions = checker(introspect, 5000, () => now);
    await sessions.check('t1', claims);
    state.answer = { active: false };
    now = 5000;
    expect(await sessions.check('t1', claims)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    state.answer = ACTIVE;
    expect(await sessions.check('t1', claims)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    expect(state.asked).toBe(2);
  });

  it('asks on every request with a window of 0', async () => {
    const { state, introspect } = strongroom();
    const sessions = checker(introspect, 0, () => 0);
    await Promise.all([sessions.check('t1', claims), sessions.check('t1', claims)]);
    await sessions.check('t1', claims);
    expect(state.asked).toBe(3);
    state.answer = { active: false };
    expect(await sessions.check('t1', claims)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('shares one question among concurrent requests with one token', async () => {
    const { state, introspect } = strongroom();
    const sessions = checker(introspect, 5000, () => 0);
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => sessions.check('t1', claims)));
    expect(verdicts.every((verdict) => verdict.ok)).toBe(true);
    expect(state.asked).toBe(1);
  });

  it('fails closed when Strongroom cannot be asked, except for sessions confirmed within the window', async () => {
    const { state, introspect } = strongroom();
    let now = 0;
    const sessions = checker(introspect, 5000, () => now);
    await sessions.check('t1', claims);
    state.answer = new Error('ECONNREFUSED');
    now = 4000;
    expect(await sessions.check('t1', claims)).toEqual({ ok: true, roles: ['user'] });
    expect(await sessions.check('t9', { ...claims, sid: 'session-9' })).toEqual({
      ok: false,
      code: 'DEPENDENCY_UNAVAILABLE',
    });
    now = 5000;
    expect(await sessions.check('t1', claims)).toEqual({ ok: false, code: 'DEPENDENCY_UNAVAILABLE' });
  });

  it('refuses an answer about another user or session', async () => {
    const { introspect } = strongroom({ ...ACTIVE, sid: 'session-2' });
    expect(await checker(introspect, 5000, () => 0).check('t1', claims)).toEqual({
      ok: false,
      code: 'INVALID_TOKEN',
    });
    const other = strongroom({ ...ACTIVE, sub: 'user-2' });
    expect(await checker(other.introspect, 5000, () => 0).check('t1', claims)).toEqual({
      ok: false,
      code: 'INVALID_TOKEN',
    });
  });

  it('gives the roles Strongroom answers, not remembered ones, after the window', async () => {
    const { state, introspect } = strongroom();
    let now = 0;
    const sessions = checker(introspect, 1000, () => now);
    await sessions.check('t1', claims);
    state.answer = { ...ACTIVE, roles: ['user', 'billing'] };
    now = 1000;
    expect(await sessions.check('t1', claims)).toEqual({ ok: true, roles: ['user', 'billing'] });
  });

  it('answers at once (checkCached) only within the window, never with 0, and for good after a refusal', async () => {
    const { state, introspect } = strongroom();
    let now = 0;
    const sessions = checker(introspect, 5000, () => now);
    expect(sessions.checkCached('d1', claims)).toBeUndefined();
    await sessions.check('t1', claims, 'd1');
    expect(sessions.checkCached('d1', claims)).toEqual({ ok: true, roles: ['user'] });
    expect(sessions.checkCached('d1', { ...claims, sub: 'user-2' })).toBeUndefined();
    now = 5000;
    expect(sessions.checkCached('d1', claims)).toBeUndefined();
    state.answer = { active: false };
    await sessions.check('t1', claims, 'd1');
    expect(sessions.checkCached('d1', claims)).toEqual({ ok: false, code: 'INVALID_TOKEN' });
    expect(state.asked).toBe(2);

    const everyTime = checker(strongroom().introspect, 0, () => 0);
    await everyTime.check('t1', claims, 'd1');
    expect(everyTime.checkCached('d1', claims)).toBeUndefined();
  });
});
