/**
 * Attempt counters in Redis, so that every node behind a load balancer enforces one limit. Each operation is one Lua
 * script, atomic in Redis, with exactly the semantics of the memory store (see attempt-store.ts). Keys live under the
 * configured prefix. Times come from the caller's clock; nodes are expected to keep their clocks in sync (NTP).
 * Fail closed and fast: every command is bounded by `commandTimeoutMs`, a store known to be down refuses at once,
 * and any failure is `503 DEPENDENCY_UNAVAILABLE` (a login is never let through unthrottled, never a 500). Connection
 * errors go to `onError` (the structured logger), never to ioredis's unhandled-error output.
 */
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import type { AttemptStore } from './attempt-store.js';
import { isDown, openRedis, type RedisOptions } from './redis-client.js';

const RESERVE = `
local v = redis.call('HMGET', KEYS[1], 'f', 'b')
local failures = tonumber(v[1]) or 0
local blocked = tonumber(v[2]) or 0
local now = tonumber(ARGV[1])
if blocked > now then return blocked end
failures = failures + 1
local free, lockoutAfter = tonumber(ARGV[2]), tonumber(ARGV[3])
local delay = 0
if failures >= lockoutAfter then
  delay = tonumber(ARGV[6])
elseif failures >= free then
  delay = math.min(tonumber(ARGV[4]) * 2 ^ math.min(failures - free, 30), tonumber(ARGV[5]))
end
redis.call('HSET', KEYS[1], 'f', failures, 'b', string.format('%d', now + delay))
redis.call('PEXPIRE', KEYS[1], delay + tonumber(ARGV[7]))
return 0
`;

const RELEASE = `
local f = tonumber(redis.call('HGET', KEYS[1], 'f'))
if f == nil then return 0 end
if f <= 1 then redis.call('DEL', KEYS[1]) else redis.call('HINCRBY', KEYS[1], 'f', -1) end
return 0
`;

type ScriptedRedis = Redis & {
  throttleReserve(key: string, ...args: number[]): Promise<number>;
  throttleRelease(key: string): Promise<number>;
};

export function createRedisAttemptStore(options: RedisOptions & { prefix: string }): AttemptStore {
  const redis = openRedis(options) as ScriptedRedis;
  /** Runs one command; a store known to be down (or any failure) is DEPENDENCY_UNAVAILABLE. */
  async function guarded<T>(command: () => Promise<T>): Promise<T> {
    if (isDown(redis)) throw new AppError('DEPENDENCY_UNAVAILABLE');
    try {
      return await command();
    } catch (cause) {
      throw new AppError('DEPENDENCY_UNAVAILABLE', { cause });
    }
  }
  redis.defineCommand('throttleReserve', { numberOfKeys: 1, lua: RESERVE });
  redis.defineCommand('throttleRelease', { numberOfKeys: 1, lua: RELEASE });
  const keyOf = (key: string) => `${options.prefix}throttle:${key}`;

  return {
    async reserve(key, policy, now) {
      const blocked = await guarded(() =>
        redis.throttleReserve(
          keyOf(key),
          now,
          policy.freeAttempts,
          policy.lockoutAfter,
          policy.baseDelayMs,
          policy.maxDelayMs,
          policy.lockoutMs,
          policy.retentionMs,
        ),
      );
      return Number(blocked);
    },
    async release(key) {
      await guarded(() => redis.throttleRelease(keyOf(key)));
    },
    async reset(key) {
      await guarded(() => redis.del(keyOf(key)));
    },
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
