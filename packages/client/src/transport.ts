/**
 * The wire: undici 7's own `fetch`, with an `Agent` that trusts only the CA given (`ca`), never the system store.
 * Node 20's global fetch is undici 6 inside; handing it an undici 7 Agent as dispatcher can break, so the client
 * always calls the `fetch` of the undici it ships with.
 *
 * Invariants: with `ca`, a server whose certificate does not chain to that CA is refused during the handshake,
 * before a header (and so a credential) is sent; redirects are refused, so a body or credential header is never
 * replayed to another URL. A request is reduced to plain data once (`Outgoing`), so the layers above can send it
 * again (retry, refresh) without re-reading a consumed body.
 */
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';

/** A request as plain data: sent as often as needed. Header names are lower case. */
export interface Outgoing {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

/** What the transport passes to `fetch`: undici's `fetch` and a wrapper around it both accept it. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  redirect: 'error';
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
}

/** The `fetch` the client calls: undici 7's by default, or one you pass (to count, trace or proxy requests). */
export type Fetch = (url: string, init: FetchInit) => Promise<Response>;

export type Send = (outgoing: Outgoing) => Promise<Response>;

/** Builds the function that puts one request on the wire, pinned to `ca` when given. */
export function createTransport(options: { ca?: string | Buffer | undefined; fetch?: Fetch | undefined }): {
  send: Send;
  close(): Promise<void>;
} {
  const dispatcher = options.ca === undefined ? undefined : new Agent({ connect: { ca: options.ca } });
  // undici's Response is the same WHATWG class as the global one, from a newer undici: only the types differ.
  const fetch: Fetch = options.fetch ?? (undiciFetch as unknown as Fetch);
  return {
    send(outgoing) {
      return fetch(outgoing.url, {
        method: outgoing.method,
        headers: outgoing.headers,
        redirect: 'error',
        ...(outgoing.body === undefined ? {} : { body: outgoing.body }),
        ...(outgoing.signal === undefined ? {} : { signal: outgoing.signal }),
        ...(dispatcher === undefined ? {} : { dispatcher }),
      });
    },
    async close() {
      await dispatcher?.close();
    },
  };
}

/** Reads openapi-fetch's Request into plain data, once. */
export async function toOutgoing(request: Request): Promise<Outgoing> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  return { url: request.url, method: request.method, headers, body, signal: request.signal };
}
