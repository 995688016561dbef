/**
 * Refuses any request whose URL carries a credential-like parameter or a secret-shaped value (JWT, our API keys,
 * card numbers, SSNs …) before routing, body parsing or any handler runs: URLs end up in proxy logs, browser history
 * and Referer headers, where no secret may go. Absurdly long URLs are refused unread (414 URL_TOO_LONG).
 * framework-errors.ts applies the same check to requests Fastify fails before any hook runs.
 *
 * Path parameters: the router lets a parameter through up to the URL limit (`MAX_PATH_PARAM_LENGTH`), so that a
 * too-long one is refused by its route's schema with 400 VALIDATION_FAILED naming it (`path.<name>`), not with a
 * 414 that the README reserves for URLs over 8 KB. Every path parameter must therefore declare its `maxLength`:
 * a route that leaves one unbounded cannot be registered (ROUTE_CONFIG_INVALID).
 */

import { inspectUrl, MAX_URL_LENGTH } from '@strongroom/redact';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';

/**
 * The router's `maxParamLength`: no parameter can be longer than the URL the guard lets through, so the router
 * never refuses one itself below that limit (it would answer without naming the parameter).
 */
export const MAX_PATH_PARAM_LENGTH = MAX_URL_LENGTH;

/** The error to refuse `rawUrl` with, or null when it may be served. */
export function checkUrl(rawUrl: string): AppError | null {
  // No client sends a fragment; the router would read what follows `#` as the query, unseen by the checks below.
  if (rawUrl.includes('#')) return new AppError('MALFORMED_URL');
  const verdict = inspectUrl(rawUrl);
  if (verdict.ok) return null;
  if (verdict.reason === 'too_long') return new AppError('URL_TOO_LONG');
  return new AppError('SENSITIVE_DATA_IN_URL', { field: verdict.location });
}

/** Throws ROUTE_CONFIG_INVALID when a `:name` of the route's URL has no `maxLength` in its params schema. */
function requireBoundedParams(route: RouteOptions): void {
  const names = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? '');
  if (names.length === 0) return;
  const params = route.schema?.params as
    | { properties?: Record<string, { maxLength?: unknown } | undefined> }
    | undefined;
  for (const name of names) {
    if (typeof params?.properties?.[name]?.maxLength === 'number') continue;
    throw new AppError('ROUTE_CONFIG_INVALID', {
      field: `schema.params.properties.${name}.maxLength`,
      message: `route ${route.method} ${route.url} leaves its path parameter ${name} without a maxLength`,
    });
  }
}

async function urlGuard(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', requireBoundedParams);
  // Callback-style (not async): a hook that answers at once costs no promise on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    const error = checkUrl(request.raw.url ?? '/');
    if (error !== null) done(error);
    else done();
  });
}

export default fp(urlGuard, { name: 'url-guard' });
