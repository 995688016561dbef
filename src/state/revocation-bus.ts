/**
 * The revocation bus: how every node learns that credentials it may have cached (sessions, users, API keys) changed.
 * `publish` is called once a change has committed; it drops the entries on this node before it returns (no request
 * after the commit can be answered from them here) and then sends the change to every other node over a channel:
 * Redis pub/sub, PostgreSQL LISTEN/NOTIFY, or none (one node: in-process only).
 * Invariants:
 * - `isLive()` is true only while the channel's subscription is established; a node must not answer from its cache
 *   otherwise (it reads the database instead), since messages sent meanwhile are lost to it.
 * - Each time the subscription is (re)established, listeners are told to drop everything (`all`) before `isLive()`
 *   turns true: whatever was missed while it was down cannot survive in a cache.
 * - A message that cannot be decoded is taken as `all`: a garbled message costs cache misses, never a stale answer.
 * - A send that fails is retried in the background for `retryForMs` (the cache's entry age bound; past it no node
 *   still holds an entry from before the change), and logged; it never fails the change that committed.
 * A node's own messages come back to it from the channel; it skips them (it applied them before sending).
 * Threats addressed: a node serving a revoked session or key from memory after a revocation elsewhere. Not addressed:
 * a node partitioned from the channel while its subscription still looks up (no heartbeat): the entry age bound
 * caps what it can serve stale.
 */
import { randomUUID } from 'node:crypto';

/** What changed: the sessions, users (their sessions and keys included) and API keys to drop; `all` drops all. */
export interface Invalidation {
  sessionIds?: readonly string[];
  userIds?: readonly string[];
  apiKeyIds?: readonly string[];
  all?: boolean;
}

/** A transport that delivers each sent message to every subscribed node, this one included. */
export interface InvalidationChannel {
  send(message: string): Promise<void>;
  /** Starts the subscription; `state(true)` each time it is established, `state(false)` each time it is lost. */
  listen(handlers: { message: (text: string) => void; state: (live: boolean) => void }): void;
  /** A name for this node's subscriber connection (Redis CLIENT SETNAME / PostgreSQL application_name). */
  readonly connectionName: string;
  close(): Promise<void>;
}

export interface RevocationBus {
  /** After a change to credentials commits: drops it here at once, then tells the other nodes. */
  publish(change: Invalidation): Promise<void>;
  /** Calls `listener` for every change, local or remote; returns the unsubscribe function. */
  subscribe(listener: (change: Invalidation) => void): () => void;
  /** Whether this node hears every change now (always, without a channel). */
  isLive(): boolean;
  /** The channel's subscriber connection name (null: no channel), for operators and tests. */
  readonly connectionName: string | null;
  close(): Promise<void>;
}

// PostgreSQL NOTIFY payloads stop at 8000 bytes; a change too large to name is sent as `all`.
const MAX_MESSAGE_BYTES = 7000;
const RETRY_BASE_MS = 100;

const isIdList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((id) => typeof id === 'string');

/** The wire form of a change (JSON, versioned); `origin` names the sending node, which ignores its own echo. */
export function encodeInvalidation(change: Invalidation, origin = ''): string {
  const text = JSON.stringify({
    v: 1,
    ...(origin === '' ? {} : { o: origin }),
    ...(change.all === true ? { a: 1 } : {}),
    ...(change.sessionIds?.length ? { s: change.sessionIds } : {}),
    ...(change.userIds?.length ? { u: change.userIds } : {}),
    ...(change.apiKeyIds?.length ? { k: change.apiKeyIds } : {}),
  });
  return Buffer.byteLength(text) > MAX_MESSAGE_BYTES ? JSON.stringify({ v: 1, o: origin, a: 1 }) : text;
}

/** The node that sent a message ('' when unnamed or unreadable). */
function originOf(text: string): string {
  try {
    const { o } = JSON.parse(text) as { o?: unknown };
    return typeof o === 'string' ? o : '';
  } catch {
    return '';
  }
}

/** A change from its wire form; anything unexpected decodes to `all`. */
export function decodeInvalidation(text: string): Invalidation {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const { v, a, s = [], u = [], k = [] } = body;
    if (v !== 1 || !isIdList(s) || !isIdList(u) || !isIdList(k)) return { all: true };
    return { all: a === 1, sessionIds: s, userIds: u, apiKeyIds: k };
  } catch {
    return { all: true };
  }
}

const isEmpty = (change: Invalidation) =>
  change.all !== true && !change.sessionIds?.length && !change.userIds?.length && !change.apiKeyIds?.length;

export function createRevocationBus(options: {
  /** null: one node, in-process only. */
  channel: InvalidationChannel | null;
  /** How long a failed send is retried (the cache's entry age bound). */
  retryForMs: number;
  onError?: (error: unknown) => void;
}): RevocationBus {
  const { channel } = options;
  const listeners = new Set<(change: Invalidation) => void>();
  // This node's changes are delivered here before they are sent: their echo from the channel is skipped.
  const origin = randomUUID();
  let live = channel === null;
  let closed = false;
  const deliver = (change: Invalidation) => {
    for (const listener of listeners) listener(change);
  };

  channel?.listen({
    message: (text) => {
      if (originOf(text) !== origin) deliver(decodeInvalidation(text));
    },
    state: (up) => {
      // Whatever was sent while the subscription was down is lost: drop everything before trusting the cache again.
      if (up) deliver({ all: true });
      live = up && !closed;
    },
  });

  async function send(message: string, deadline: number, attempt: number): Promise<void> {
    if (channel === null || closed) return;
    try {
      await channel.send(message);
    } catch (error) {
      options.onError?.(error);
      const delay = RETRY_BASE_MS * 2 ** Math.min(attempt, 5);
      if (Date.now() + delay > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      await send(message, deadline, attempt + 1);
    }
  }

  return {
    async publish(change) {
      if (isEmpty(change)) return;
      deliver(change);
      const message = encodeInvalidation(change, origin);
      const deadline = Date.now() + options.retryForMs;
      // The first attempt is awaited (other nodes usually know before the caller's answer leaves); retries are not.
      const first = channel?.send(message);
      if (first === undefined) return;
      await first.catch((error: unknown) => {
        options.onError?.(error);
        void send(message, deadline, 1);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isLive: () => live,
    connectionName: channel?.connectionName ?? null,
    async close() {
      closed = true;
      live = channel === null;
      await channel?.close();
    },
  };
}
