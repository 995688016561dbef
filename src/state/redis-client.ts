/**
 * The one way this project opens a Redis connection: every command bounded by `commandTimeoutMs`, one retry, a
 * capped reconnect backoff, and connection errors handed to `onError` (the structured logger) instead of ioredis's
 * unhandled-error output. `isDown` tells a store to refuse at once rather than queue a command for the whole
 * timeout while the connection is known to be lost.
 */
import { Redis } from 'ioredis';

export interface RedisOptions {
  url: string;
  commandTimeoutMs: number;
  onError?: (error: Error) => void;
  /** CLIENT SETNAME of the connection (operators can tell it apart, tests can kill exactly it). */
  connectionName?: string;
  /** A subscriber re-subscribes itself once it is ready again (see redis-invalidation-channel.ts). */
  subscriber?: boolean;
}

export function openRedis(options: RedisOptions): Redis {
  const redis = new Redis(options.url, {
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(options.subscriber === true ? { autoResubscribe: false } : {}),
  });
  redis.on('error', (error: Error) => options.onError?.(error));
  return redis;
}

/** The last connection failed or was closed (while first connecting, commands still queue). */
export function isDown(redis: Redis): boolean {
  return redis.status === 'reconnecting' || redis.status === 'close' || redis.status === 'end';
}
