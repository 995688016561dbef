/**
 * The revocation bus over Redis pub/sub: one channel, `<prefix>revocations`, and two connections per node, one that
 * publishes and one that only subscribes (a subscribed connection can run nothing else). The subscriber is named
 * `<prefix>revocations:<node>` (CLIENT SETNAME), subscribes itself each time it is ready (ioredis's own
 * re-subscription is off, so the moment the subscription is back is known), and reports every loss of its
 * connection at once: pub/sub delivers only to connected subscribers, so anything published meanwhile is lost to
 * this node, and the bus makes it read the database until the subscription is back (see revocation-bus.ts).
 */
import { randomUUID } from 'node:crypto';
import { isDown, openRedis } from './redis-client.js';
import type { InvalidationChannel } from './revocation-bus.js';

export function createRedisInvalidationChannel(options: {
  url: string;
  prefix: string;
  commandTimeoutMs: number;
  onError?: (error: Error) => void;
}): InvalidationChannel {
  const channelName = `${options.prefix}revocations`;
  const connectionName = `${channelName}:${randomUUID()}`.replace(/[^\w:.-]/g, '_');
  const common = { url: options.url, commandTimeoutMs: options.commandTimeoutMs };
  const onError = (error: Error) => options.onError?.(error);
  const publisher = openRedis({ ...common, onError });
  const subscriber = openRedis({ ...common, onError, connectionName, subscriber: true });
  let closing = false;

  return {
    connectionName,
    async send(message) {
      // Known to be down: fail at once (the bus retries in the background) rather than hold the caller's answer.
      if (isDown(publisher)) throw new Error('Redis is unreachable: revocation not sent yet');
      await publisher.publish(channelName, message);
    },
    listen(handlers) {
      subscriber.on('message', (channel: string, message: string) => {
        if (channel === channelName) handlers.message(message);
      });
      subscriber.on('ready', () => {
        subscriber.subscribe(channelName).then(
          () => {
            if (!closing && subscriber.status === 'ready') handlers.state(true);
          },
          (error: Error) => {
            onError(error);
            // Not subscribed: reconnect and try again, rather than stay connected and deaf.
            if (!closing) subscriber.disconnect(true);
          },
        );
      });
      subscriber.on('close', () => handlers.state(false));
      subscriber.on('end', () => handlers.state(false));
    },
    async close() {
      closing = true;
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
