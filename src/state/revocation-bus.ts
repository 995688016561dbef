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
 * - Heartbeat: a node with a channel sends a heartbeat on it every `heartbeatIntervalMs`; `isLive()` is false once
 *   nothing (no heartbeat, its own included, no change) has come back from the channel for `heartbeatTimeoutMs`,
 *   so a subscription that died silently (a frozen server, a cut that closes nothing, a subscriber that stopped
 *   delivering) is noticed within that bound, and the node reads the database until the channel delivers again.
 *   Hearing again after such a gap, listeners are told `all` first, as on a resubscription.
 * A node's own messages come back to it from the channel; it skips them (it applied them before sending).
 * Threats addressed: a node serving a revoked session or key from memory after a revocation elsewhere, its channel
 * lost loudly (closed) or silently (the heartbeat). Not addressed: a node that hears heartbeats but not a change
 * sent between them (the channel delivers in order: Redis pub/sub and NOTIFY do).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

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
/** How often a node with a channel sends a heartbeat on it. */
export const HEARTBEAT_INTERVAL_MS = 200;
/**
 * How long a node trusts its cache after it last heard its channel: the bound (docs/session-cache.md) within which
 * a node whose subscription died silently reads the database again. Several heartbeats, so one late is no outage.
 */
export const HEARTBEAT_TIMEOUT_MS = 1_000;
const HEARTBEAT = JSON.stringify({ v: 1, h: 1 });

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

/** The node that sent a message ('' when unnamed or unreadable), and whether it is a heartbeat. */
function headerOf(text: string): { origin: string; isHeartbeat: boolean } {
  try {
    const { o, h } = JSON.parse(text) as { o?: unknown; h?: unknown };
    return { origin: typeof o === 'string' ? o : '', isHeartbeat: h === 1 };
  } catch {
    return { origin: '', isHeartbeat: false };
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
  /** Heartbeat period and trust bound (see the header); tests shorten them. */
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  /** Milliseconds that never step back (default `performance.now`). */
  monotonicClock?: () => number;
}): RevocationBus {
  const { channel } = options;
  const now = options.monotonicClock ?? (() => performance.now());
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  const listeners = new Set<(change: Invalidation) => void>();
  // This node's changes are delivered here before they are sent: their echo from the channel is skipped.
  const origin = randomUUID();
  let live = channel === null;
  let closed = false;
  // When the channel last delivered anything, and whether the node stopped trusting it since (a silent gap).
  let heardAt = now();
  let deaf = false;
  const deliver = (change: Invalidation) => {
    for (const listener of listeners) listener(change);
  };
  const hears = (): boolean => {
    if (channel === null) return true;
    if (!deaf && now() - heardAt >= heartbeatTimeoutMs) deaf = true;
    return !deaf;
  };

  channel?.listen({
    message: (text) => {
      const at = now();
      // Heard again after a silent gap (whether or not a request noticed it): what was sent meanwhile may be lost,
      // as after a resubscription.
      if (deaf || at - heardAt >= heartbeatTimeoutMs) {
        deaf = false;
        deliver({ all: true });
      }
      heardAt = at;
      const { origin: from, isHeartbeat } = headerOf(text);
      if (from !== origin && !isHeartbeat) deliver(decodeInvalidation(text));
    },
    state: (up) => {
      // Whatever was sent while the subscription was down is lost: drop everything before trusting the cache again.
      if (up) {
        deliver({ all: true });
        heardAt = now();
        deaf = false;
      }
      live = up && !closed;
    },
  });
  const heartbeat =
    channel === null
      ? null
      : setInterval(() => {
          if (live) channel.send(HEARTBEAT).catch((error: unknown) => options.onError?.(error));
        }, options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
  heartbeat?.unref();

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
    isLive: () => live && hears(),
    connectionName: channel?.connectionName ?? null,
    async close() {
      closed = true;
      if (heartbeat !== null) clearInterval(heartbeat);
      live = channel === null;
      await channel?.close();
    },
  };
}
