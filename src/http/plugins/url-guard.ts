/**
 * Refuses any request whose URL carries a credential-like parameter or a secret-shaped value (JWT, our API keys,
 * card numbers, SSNs …) before routing, body parsing or any handler runs: URLs end up in proxy logs, browser history
 * and Referer headers, where no secret may go. Absurdly long URLs are refused unread (414 URL_TOO_LONG).
 * framework-errors.ts applies the same check to requests Fastify fails before any hook runs.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { inspectUrl } from '../../redact/index.js';

/** The error to refuse `rawUrl` with, or null when it may be served. */
export function checkUrl(rawUrl: string): AppError | null {
  const verdict = inspectUrl(rawUrl);
  if (verdict.ok) return null;
  if (verdict.reason === 'too_long') return new AppError('URL_TOO_LONG');
  return new AppError('SENSITIVE_DATA_IN_URL', { field: verdict.location });
}

async function urlGuard(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const error = checkUrl(request.raw.url ?? '/');
    if (error !== null) throw error;
  });
}

export default fp(urlGuard, { name: 'url-guard' });
