/**
 * Quota buckets in Redis, so that every node behind a load balancer draws from one bucket per identity and group.
 * Each take is one Lua script, atomic in Redis, running exactly the steps of token-bucket.ts on whole units. Keys
 * live under the configured prefix (`<prefix>quota:<group>:<identity>`) and expire once the bucket would be full
 * again, so idle identities leave nothing behind.
 *
 * Failure: every command is bounded by `commandTimeoutMs` (queued while the first connection is made, then
 * failed), a take while the client knows Redis is down (reconnecting) fails at once, and a take that fails
 * rejects: the caller answers 503 and admits nothing, so Redis trouble never means unthrottled requests.
 * Connection errors go to `onError` (the logger), never to stderr.
 * Times come from the caller's clock: nodes are expected to keep their clocks in sync (NTP); a node behind the
 * others refills nothing until its clock catches up.
 */
import type { Redis } from 'ioredis';
import { isDown, openRedis, type RedisOptions } from './redis-client.js';
import { describeBucket, type QuotaStore, UNITS_PER_TOKEN } from './token-bucket.js';

// ARGV: now (ms), capacity (units), refill (units per ms), cost (units). Returns {admitted 0|1, units left}.
const TAKE = `
local now, capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local v = redis.call('HMGET', KEYS[1], 'u', 'at')
local units, at = tonumber(v[1]), tonumber(v[2])
if units == nil or at == nil then units = capacity; at = now end
if now > at then
  local gained = (now - at) * rate
  if gained >= capacity - units then units = capacity else units = units + gained end
  at = now
end
if units > capacity then units = capacity end
local admitted = 0
if units >= cost then units = units - cost; admitted = 1 end
local reset = math.ceil((capacity - units) / rate)
if reset > 0 then
  redis.call('HSET', KEYS[1], 'u', string.format('%d', units), 'at', string.format('%d', at))
  redis.call('PEXPIRE', KEYS[1], reset + (at - now) + 1000)
else
  redis.call('DEL', KEYS[1])
end
return { admitted, string.format('%d', units) }
`;

type ScriptedRedis = Redis & {
  quotaTake(key: string, ...args: number[]): Promise<[number, string]>;
};

export function createRedisQuotaStore(options: RedisOptions & { prefix: string }): QuotaStore {
  const redis = openRedis(options) as ScriptedRedis;
  redis.defineCommand('quotaTake', { numberOfKeys: 1, lua: TAKE });

  return {
    async take(key, quota, cost, now) {
      // Known to be down (the last connection failed, or was closed): refuse at once rather than queue for the
      // whole timeout, so an outage does not hold every request open. Still connecting at start: queue.
      if (isDown(redis)) {
        throw new Error(`Redis is ${redis.status}`);
      }
      const [admitted, units] = await redis.quotaTake(
        `${options.prefix}quota:${key}`,
        now,
        quota.capacity * UNITS_PER_TOKEN,
        quota.perMinute,
        cost * UNITS_PER_TOKEN,
      );
      return describeBucket(Number(units), quota, cost, Number(admitted) === 1);
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
