/**
 * The session's tokens, in memory only, and their renewal.
 *
 * Protects: the access token and the refresh token. They live in this closure and nowhere else: not on the client
 * object (so `JSON.stringify(client)` and `util.inspect(client)` show none), not in an error (a failed refresh
 * hands back the server's answer, which never echoes a token), not on disk, not in a log. The one exception is
 * opt-in: `onRefreshToken` hands each new refresh token to a caller that keeps the session in a private file (the CLI).
 *
 * Invariants:
 * - One refresh at a time (single flight): every caller that finds the token due, or rejected, while a refresh runs
 *   waits for that one. The server spends a refresh token on first use and revokes the whole session when it sees
 *   it again, so two refreshes racing with one token would log the client out.
 * - The token is renewed before it expires: once less than `refreshWhenRemaining` (20 %) of its lifetime is left,
 *   measured on this process's clock from when the pair arrived (so clock skew to the server does not matter).
 * - A refresh that finishes after `end()` or a new `start()` is discarded: a logout is never undone by a refresh
 *   that was already on its way.
 * - A refresh answered 401 ends the session here too; any other failure keeps it (the refresh token was not spent)
 *   and the current access token is used while it is still valid.
 * - With a `shared` store (one session used by several processes, as the CLI's session file is), each refresh runs
 *   under the store's lock and spends the token the store holds now, not the one this process last saw: another
 *   process may have rotated it meanwhile, and spending the old one would look like a stolen token to the server.
 *
 * Not addressed: an attacker who can read this process's memory, or who controls the server.
 */
import { Response as UndiciResponse } from 'undici';
import type { components } from './schema.js';

type TokenPair = components['schemas']['TokenPair'];

/** The credential of one token pair; compared by identity to tell whether a refresh happened meanwhile. */
export interface Credential {
  readonly authorization: string;
}

interface State {
  credential: Credential;
  refreshToken: string;
  refreshAt: number;
  expiresAt: number;
}

/** A failed refresh, kept as data so each waiting caller gets an answer of its own to read. */
interface Failure {
  status: number;
  headers: [string, string][];
  body: string;
}

export interface Session {
  start(pair: TokenPair): void;
  end(): void;
  current(): Credential | null;
  /** Refreshes first when the token is due; resolves to an error answer to return instead, or null to go on. */
  ensureFresh(): Promise<Response | null>;
  /** After a 401 for `used`: refreshes unless that already happened; an error answer, or null to send again. */
  recover(used: Credential): Promise<Response | null>;
  /** Refreshes now (joining one in flight); an error answer, or null when it worked. */
  refresh(): Promise<Response | null>;
}

/** A session's refresh token kept where several processes use it (a session file), with a lock around each use. */
export interface SharedRefreshToken {
  /** Runs `work` holding a lock every process of this session takes before it spends the token. */
  withLock<T>(work: () => Promise<T>): Promise<T>;
  /** The token stored now for this session, or null when the store holds none for it (then this process's is used). */
  latest(): string | null;
}

export function createSession(deps: {
  now: () => number;
  refreshWhenRemaining: number;
  /** Sends `POST /v1/auth/refresh` with this refresh token and no credential header. */
  callRefresh: (refreshToken: string) => Promise<Response>;
  /** Told each new refresh token (after login and every refresh), for a caller that keeps the session on disk. */
  onRefreshToken?: ((refreshToken: string) => void) | undefined;
  /** A refresh token shared with other processes: refreshes run under its lock and spend its latest token. */
  shared?: SharedRefreshToken | undefined;
}): Session {
  let state: State | null = null;
  let inFlight: Promise<Failure | null> | null = null;

  const toState = (pair: TokenPair): State => {
    deps.onRefreshToken?.(pair.refresh_token);
    const receivedAt = deps.now();
    const lifetimeMs = pair.expires_in * 1000;
    return {
      credential: Object.freeze({ authorization: `Bearer ${pair.access_token}` }),
      refreshToken: pair.refresh_token,
      refreshAt: receivedAt + lifetimeMs * (1 - deps.refreshWhenRemaining),
      expiresAt: receivedAt + lifetimeMs,
    };
  };

  const exchange = async (from: State): Promise<Failure | null> => {
    const response = await deps.callRefresh(deps.shared?.latest() ?? from.refreshToken);
    if (response.ok) {
      const pair = (await response.json()) as TokenPair;
      if (state === from) state = toState(pair);
      return null;
    }
    const failure: Failure = {
      status: response.status,
      headers: [...response.headers],
      body: await response.text(),
    };
    if (response.status === 401 && state === from) state = null;
    return failure;
  };
  const run = (from: State): Promise<Failure | null> =>
    deps.shared === undefined ? exchange(from) : deps.shared.withLock(() => exchange(from));

  const refreshOnce = (): Promise<Failure | null> => {
    const from = state;
    if (from === null) return Promise.resolve(null);
    inFlight ??= run(from).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  // undici's Response is the WHATWG class; the cast bridges its types to the global ones openapi-fetch expects.
  const answer = (failure: Failure | null): Response | null =>
    failure === null
      ? null
      : (new UndiciResponse(failure.body, {
          status: failure.status,
          headers: failure.headers,
        }) as unknown as Response);

  return {
    start(pair) {
      state = toState(pair);
    },
    end() {
      state = null;
    },
    current: () => state?.credential ?? null,
    async ensureFresh() {
      if (state === null || deps.now() < state.refreshAt) return null;
      const failure = await refreshOnce();
      // A refresh that failed for a passing reason leaves a token that still works: use it.
      if (failure !== null && state !== null && deps.now() < state.expiresAt) return null;
      return answer(failure);
    },
    async recover(used) {
      if (state === null || state.credential !== used) return null;
      return answer(await refreshOnce());
    },
    async refresh() {
      return answer(await refreshOnce());
    },
  };
}
