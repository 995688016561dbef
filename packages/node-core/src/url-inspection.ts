/**
 * The URL check of `strongroomSafety` and `strongroomAuth`: credentials and secret-shaped values in a URL are
 * refused as the server refuses them on its own routes, with the shared URL inspector of @strongroom/redact
 * (`400 SENSITIVE_DATA_IN_URL` naming where, never what; `414 URL_TOO_LONG` beyond 8 KiB).
 *
 * Invariant: a URL is skipped only when this very request's URL, the same string, was already found clean. The
 * verdict is remembered per request, keyed by the request's headers object (Node creates one per incoming
 * request), in a WeakMap that lets it go with the request. A URL that was refused, rewritten since, or never
 * inspected is inspected (again), so sharing the work never lets a URL through unexamined.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { inspectUrl } from '@strongroom/redact';
import { type Refusal, refusal } from './errors.js';

/** The refusal for a URL that carries a credential or a secret-shaped value, or null. */
export function checkUrl(url: string): Refusal | null {
  const verdict = inspectUrl(url);
  if (verdict.ok) return null;
  if (verdict.reason === 'too_long') return refusal('URL_TOO_LONG');
  return refusal('SENSITIVE_DATA_IN_URL', { field: verdict.location });
}

const cleanUrls = new WeakMap<IncomingHttpHeaders, string>();

/** `checkUrl(url)`, done at most once per request and URL; see the invariant above. */
export function checkRequestUrl(request: {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}): Refusal | null {
  if (cleanUrls.get(request.headers) === request.url) return null;
  const refused = checkUrl(request.url);
  if (refused === null) cleanUrls.set(request.headers, request.url);
  return refused;
}
