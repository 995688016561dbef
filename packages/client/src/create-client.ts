/**
 * `createClient(options)`: the typed Strongroom client. Composition only: openapi-fetch builds typed requests from
 * the generated `paths`; each request is then reduced to data (transport.ts), given exactly one credential and a
 * fresh token (authorized-send.ts, session.ts), retried when the server says it did nothing (retry.ts) and sent
 * through undici with the pinned CA.
 *
 * Threats addressed: a token or password leaking through the client (tokens stay in session.ts; errors carry only
 * the server's code, message, field and request id), a credential sent in clear (`baseUrl` must be https), to the
 * wrong server (the CA pin) or to another URL (no redirects).
 */
import createFetchClient from 'openapi-fetch';
import { createAuthorizedSend } from './authorized-send.js';
import { StrongroomError, toStrongroomError } from './errors.js';
import { createRetryingSend, type RetryOptions } from './retry.js';
import type { components, paths } from './schema.js';
import { createSession, type SharedRefreshToken } from './session.js';
import { checkTimeout, DEFAULT_TIMEOUT_MS, withTimeout } from './timeout.js';
import { createTransport, type Fetch, type Send, toOutgoing } from './transport.js';
import { createTypedMethods, type TypedMethods } from './typed-methods.js';

export interface ClientOptions {
  /** The server's https:// origin (and path prefix, if any), e.g. `https://vault.internal:8443`. */
  baseUrl: string;
  /** PEM of the CA to trust, and the only one: the system store is not consulted. */
  ca?: string | Buffer;
  /** Sent as `X-API-Key` when no session is logged in. */
  apiKey?: string;
  /** Replaces undici's `fetch` (it receives the pinned `dispatcher` in its init, to pass on). */
  fetch?: Fetch;
  retry?: RetryOptions;
  /**
   * Longest time one call may take, in milliseconds, its retries and a token refresh included (default 30 000);
   * beyond it the call fails with `StrongroomError` `REQUEST_TIMEOUT`. The typed methods take `{ timeoutMs }` per
   * call as well.
   */
  timeoutMs?: number;
  /** Renew the access token when less than this share of its lifetime is left (default 0.2). */
  refreshWhenRemaining?: number;
  /** Milliseconds since the epoch; the clock token renewal is timed with (default `Date.now`). */
  now?: () => number;
  /**
   * Called with each new refresh token (after `login`, `resume` and every refresh), before the client uses the new
   * pair: the one way a token leaves the client, for a command-line tool that keeps its session in a private file.
   * The server spends a refresh token on use, so the one stored must be replaced each time.
   */
  onRefreshToken?: (refreshToken: string) => void;
  /**
   * For a session used by several processes at once (the CLI's session file): each refresh takes this lock and
   * spends the token the store holds now, which another process may have rotated since this one last saw it.
   * Store the new token from `onRefreshToken`, which is called while the lock is still held.
   */
  sharedRefreshToken?: SharedRefreshToken;
}

export interface StrongroomClient extends TypedMethods {
  /**
   * Logs in; the tokens stay inside the client. Already logged in, the current session is revoked first (a
   * failure to revoke it throws and keeps it). Throws StrongroomError (INVALID_CREDENTIALS, TOO_MANY_ATTEMPTS…).
   */
  login(credentials: { username: string; password: string }): Promise<void>;
  /**
   * Starts a session from a refresh token kept from an earlier one (spends it), revoking the current session first
   * as `login` does. Throws StrongroomError.
   */
  resume(refreshToken: string): Promise<void>;
  /** Revokes the session at the server and forgets its tokens (forgotten even if the server cannot be reached). */
  logout(): Promise<void>;
  /** Renews the token pair now (concurrent calls share one refresh). Throws StrongroomError. */
  refresh(): Promise<void>;
  isLoggedIn(): boolean;
  /** Closes the pinned connection pool. */
  close(): Promise<void>;
}

type TokenPair = components['schemas']['TokenPair'];

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key'];

function withoutCredentials(send: Send): Send {
  return (outgoing) => {
    const headers = { ...outgoing.headers };
    for (const name of CREDENTIAL_HEADERS) delete headers[name];
    return send({ ...outgoing, headers });
  };
}

function validate(options: ClientOptions): void {
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(options.baseUrl)) {
    throw new TypeError('baseUrl must be an https:// URL without query or fragment');
  }
  if (options.timeoutMs !== undefined) checkTimeout(options.timeoutMs, 'timeoutMs');
  const share = options.refreshWhenRemaining ?? 0.2;
  if (!(share > 0 && share < 1)) throw new RangeError('refreshWhenRemaining must be between 0 and 1');
}

/** Creates a client for one Strongroom server. */
export function createClient(options: ClientOptions): StrongroomClient {
  validate(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = createTransport({ ca: options.ca, fetch: options.fetch });
  const retrying = createRetryingSend(transport.send, options.retry);
  const fetchWith =
    (send: Send) =>
    async (request: Request): Promise<Response> =>
      send(await toOutgoing(request));
  // Login and refresh carry their secret in the body and no credential header.
  const anonymousSend = withoutCredentials(retrying);
  const anonymous = createFetchClient<paths>({ baseUrl: options.baseUrl, fetch: fetchWith(anonymousSend) });

  // Sent without openapi-fetch, which would consume the body of an error answer the session hands on.
  // Shared by every call waiting for it, so bounded by the client's limit rather than one caller's.
  const callRefresh = (refreshToken: string) =>
    withTimeout(timeoutMs, undefined, (signal) =>
      anonymousSend({
        url: `${options.baseUrl.replace(/\/$/, '')}/v1/auth/refresh`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new TextEncoder().encode(JSON.stringify({ refresh_token: refreshToken })),
        signal,
      }),
    );
  const session = createSession({
    now: options.now ?? Date.now,
    refreshWhenRemaining: options.refreshWhenRemaining ?? 0.2,
    onRefreshToken: options.onRefreshToken,
    shared: options.sharedRefreshToken,
    callRefresh,
  });
  const send = createAuthorizedSend({ send: retrying, session, apiKey: options.apiKey });
  const api = createFetchClient<paths>({ baseUrl: options.baseUrl, fetch: fetchWith(send) });

  const throwFrom = async (response: Response): Promise<never> => {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw toStrongroomError(body, response);
  };

  /** Revokes the current session at the server; a 401 means it was already gone, which is what is wanted. */
  const revokeCurrent = async (): Promise<void> => {
    const { error, response } = await withTimeout(timeoutMs, undefined, (signal) =>
      api.POST('/v1/auth/logout', { signal }),
    );
    if (!response.ok && response.status !== 401) throw toStrongroomError(error, response);
  };

  /**
   * Before a new session replaces the current one: revoke the current one first, so no session the client has
   * forgotten stays alive at the server. When that fails, nothing changes (the client keeps its session, the
   * error is thrown) rather than orphaning it.
   */
  const endCurrentBeforeStart = async (): Promise<void> => {
    if (session.current() === null) return;
    await revokeCurrent();
    session.end();
  };

  return {
    ...createTypedMethods(api, timeoutMs),
    async login({ username, password }) {
      await endCurrentBeforeStart();
      const { data, error, response } = await withTimeout(timeoutMs, undefined, (signal) =>
        anonymous.POST('/v1/auth/login', { body: { username, password }, signal }),
      );
      if (error !== undefined || data === undefined) throw toStrongroomError(error, response);
      session.start(data);
    },
    async resume(refreshToken) {
      await endCurrentBeforeStart();
      const response = await callRefresh(refreshToken);
      if (!response.ok) await throwFrom(response);
      session.start((await response.json()) as TokenPair);
    },
    async logout() {
      if (session.current() === null) return;
      try {
        await revokeCurrent();
      } finally {
        session.end();
      }
    },
    async refresh() {
      if (session.current() === null) {
        throw new StrongroomError({ code: 'NOT_LOGGED_IN', status: 0, message: 'Log in before refreshing' });
      }
      const failure = await session.refresh();
      if (failure !== null) await throwFrom(failure);
    },
    isLoggedIn: () => session.current() !== null,
    close: () => transport.close(),
  };
}
