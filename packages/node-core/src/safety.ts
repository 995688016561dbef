/**
 * The practices Strongroom follows on its own routes, for the application's routes:
 * - HTTPS only: a request that did not arrive over TLS (or, from a trusted proxy, was not forwarded as https) is
 *   answered `426 HTTPS_REQUIRED` with `Connection: close`, before its body is read;
 * - no secrets in URLs: `400 SENSITIVE_DATA_IN_URL` for credential-like parameters and secret-shaped values
 *   (the server's own detectors, from @strongroom/redact), `414 URL_TOO_LONG` beyond 8 KiB;
 * - headers on every answer: HSTS (two years, subdomains), `X-Content-Type-Options: nosniff`,
 *   `Referrer-Policy: no-referrer`; `Cache-Control: no-store` on every answer to a request that carried a
 *   credential (Authorization, X-API-Key, Cookie) or was authenticated; `X-Powered-By` removed.
 * Not addressed: CORS, CSP and framing, which depend on what the application serves.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Refusal } from './errors.js';
import { refusal } from './errors.js';
import { compileTrustProxy, type TrustProxy } from './trust-proxy.js';
import { checkRequestUrl } from './url-inspection.js';

export const HSTS = 'max-age=63072000; includeSubDomains';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'strict-transport-security': HSTS,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});

/** The headers of an answer to a request with a credential: built once, not per request. */
const AUTHENTICATED_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...SECURITY_HEADERS,
  'cache-control': 'no-store',
});

export interface SafetyOptions {
  /** Peers whose `X-Forwarded-Proto` is believed; see trust-proxy.ts. Default false. */
  readonly trustProxy?: TrustProxy;
}

export interface ConnectionLike {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The socket is TLS (`socket.encrypted`). */
  readonly encrypted: boolean;
  readonly remoteAddress: string | undefined;
}

function lastForwardedProto(headers: IncomingHttpHeaders): string | undefined {
  const proto = headers['x-forwarded-proto'];
  const value = Array.isArray(proto) ? proto.join(',') : proto;
  if (value === undefined || value === '') return undefined;
  return value
    .slice(value.lastIndexOf(',') + 1)
    .trim()
    .toLowerCase();
}

/** True when the request carried a credential of any kind, so its answer must not be cached. */
export function carriesCredential(headers: IncomingHttpHeaders): boolean {
  return (
    headers.authorization !== undefined || headers['x-api-key'] !== undefined || headers.cookie !== undefined
  );
}

export function createSafety(options: SafetyOptions = {}) {
  const isTrusted = compileTrustProxy(options.trustProxy);
  return {
    /** True when the request reached the application over HTTPS. */
    isHttps(request: ConnectionLike): boolean {
      if (isTrusted(request.remoteAddress)) {
        const proto = lastForwardedProto(request.headers);
        if (proto !== undefined) return proto === 'https';
      }
      return request.encrypted;
    },

    /** The refusal for a request that must not be served, or null. */
    check(request: ConnectionLike): Refusal | null {
      if (!this.isHttps(request)) return refusal('HTTPS_REQUIRED');
      // Remembered when clean, so strongroomAuth does not inspect the same URL again.
      return checkRequestUrl(request.url);
    },

    /** Headers to set on the answer. */
    headersFor(isAuthenticated: boolean): Readonly<Record<string, string>> {
      return isAuthenticated ? AUTHENTICATED_HEADERS : SECURITY_HEADERS;
    },
  };
}

export type Safety = ReturnType<typeof createSafety>;
