/**
 * Where the middleware accepts a Strongroom credential: `Authorization: Bearer <access token>` only.
 *
 * Invariants:
 * - a credential in the URL is refused before anything else, as the server refuses it on its own routes:
 *   `400 SENSITIVE_DATA_IN_URL` (url-inspection.ts: `?access_token=`, `?password=`, a JWT or `srk_` key anywhere
 *   in the path or query), `414 URL_TOO_LONG` beyond 8 KiB;
 * - a cookie holding a Strongroom credential (a JWT, an `srk_`/`srr_` token, or a cookie named like a bearer
 *   credential) is refused with `401 INVALID_TOKEN`: browsers send cookies on their own, so a cookie-borne bearer
 *   token is a CSRF hole. Other cookies (the application's own) are left alone;
 * - nothing here echoes a value: a refusal names where the credential was, never what it was.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { DETECTORS, findSecrets } from '@strongroom/redact';
import { type Refusal, refusal } from './errors.js';
import { checkRequestUrl } from './url-inspection.js';

export interface RequestLike {
  /** The request target as received (path and query). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

const CREDENTIAL_DETECTORS = DETECTORS.filter((detector) =>
  ['jwt', 'strongroom_token', 'bearer'].includes(detector.name),
);
const CREDENTIAL_COOKIE_NAMES = new Set([
  'accesstoken',
  'idtoken',
  'refreshtoken',
  'authorization',
  'bearer',
  'jwt',
  'apikey',
  'xapikey',
  'strongroomtoken',
]);
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

function decodeLeniently(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** True when a Cookie header carries a Strongroom credential; see the invariants above. */
export function hasCookieCredential(cookie: string | undefined): boolean {
  if (cookie === undefined || cookie === '') return false;
  return cookie.split(';').some((pair) => {
    const equals = pair.indexOf('=');
    const name = (equals === -1 ? pair : pair.slice(0, equals)).trim();
    const value = equals === -1 ? '' : pair.slice(equals + 1).trim();
    if (CREDENTIAL_COOKIE_NAMES.has(name.toLowerCase().replace(/[^a-z]/g, '')) && value !== '') return true;
    return (
      findSecrets(value, CREDENTIAL_DETECTORS).length > 0 ||
      findSecrets(decodeLeniently(value), CREDENTIAL_DETECTORS).length > 0
    );
  });
}

/** The bearer token of a request, or the refusal to answer it with. */
export function readBearerToken(request: RequestLike): { token: string } | { refusal: Refusal } {
  // Not inspected again when strongroomSafety just found this URL clean (url-inspection.ts).
  const inUrl = checkRequestUrl(request.url);
  if (inUrl !== null) return { refusal: inUrl };
  if (hasCookieCredential(request.headers.cookie))
    return { refusal: refusal('INVALID_TOKEN', { field: 'cookie' }) };
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization === '')
    return { refusal: refusal('AUTHENTICATION_REQUIRED') };
  const match = BEARER.exec(authorization);
  if (match?.[1] === undefined) return { refusal: refusal('INVALID_TOKEN') };
  return { token: match[1] };
}
