/**
 * The console's one Strongroom client, talking to the origin that served the page.
 *
 * Protects: the session's tokens. They live inside `@strongroom/client` (its session closure) in this page's
 * memory and nowhere else: never in localStorage, sessionStorage, a cookie or the URL, so a reload (or closing
 * the tab) ends the console's session and means signing in again. docs/console.md says why.
 * Threats addressed: a token left behind in browser storage for another script, extension or user of the machine
 * to read later. Not addressed: script running in this page (the CSP and Trusted Types keep others' out).
 */
import { createClient, type StrongroomClient, StrongroomError, toStrongroomError } from '@strongroom/client';

export type { StrongroomClient } from '@strongroom/client';
export { StrongroomError };

/** A client for the server this page came from (its origin is https: the server serves the console on TLS only). */
export function createConsoleClient(origin: string = globalThis.location.origin): StrongroomClient {
  return createClient({
    baseUrl: origin,
    // The browser's fetch: it checks the certificate itself; nothing is pinned in a page.
    // Its init is plain data (method, headers, bytes, redirect: 'error', signal): a RequestInit in all but name.
    fetch: (url, init) => globalThis.fetch(url, init as RequestInit),
  });
}

interface Result<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** The data of a call, or its StrongroomError thrown (the client's `unwrap`, for results of any shape). */
export async function call<Data>(pending: Promise<Result<Data>>): Promise<Data> {
  const { data, error, response } = await pending;
  if (error !== undefined || !response.ok) throw toStrongroomError(error, response);
  return data as Data;
}

/** A sentence for an error caught from `call`: the server's code and message (never a value: the server sends none). */
export function describeError(error: unknown): string {
  if (error instanceof StrongroomError) return error.message;
  return error instanceof Error ? error.message : 'Something went wrong';
}
