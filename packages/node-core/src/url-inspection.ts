/**
 * The URL check of `strongroomSafety` and `strongroomAuth`: credentials and secret-shaped values in a URL are
 * refused as the server refuses them on its own routes, with the shared URL inspector of @strongroom/redact
 * (`400 SENSITIVE_DATA_IN_URL` naming where, never what; `414 URL_TOO_LONG` beyond 8 KiB).
 *
 * Invariant: the verdict is a function of the URL string alone, so the one string last found clean is kept and a
 * URL that is that same string is not inspected again (strongroomSafety inspects a request's URL, then
 * strongroomAuth reads the same string in the same turn). Any other string, a refused one included, is inspected.
 * Only a clean URL is kept (one that holds no credential or secret-shaped value, by the inspection's own test),
 * and only one. A WeakMap per request did the same at a measurable cost per request (an ephemeron per request
 * for the garbage collector), which this single slot avoids.
 */
import { inspectUrl } from '@strongroom/redact';
import { type Refusal, refusal } from './errors.js';

/** The refusal for a URL that carries a credential or a secret-shaped value, or null. */
export function checkUrl(url: string): Refusal | null {
  const verdict = inspectUrl(url);
  if (verdict.ok) return null;
  if (verdict.reason === 'too_long') return refusal('URL_TOO_LONG');
  return refusal('SENSITIVE_DATA_IN_URL', { field: verdict.location });
}

let lastClean: string | undefined;

/** `checkUrl(url)`, skipped when `url` is the string last found clean; see the invariant above. */
export function checkRequestUrl(url: string): Refusal | null {
  if (url === lastClean) return null;
  const refused = checkUrl(url);
  if (refused === null) lastClean = url;
  return refused;
}
