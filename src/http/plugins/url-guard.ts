/**
 * Refuses any request whose URL carries a credential-like parameter or a secret-shaped value (JWT, our API keys,
 * card numbers, SSNs …) before routing, body parsing or any handler runs: URLs end up in proxy logs, browser history
 * and Referer headers, where no secret may go.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { inspectUrl } from '../../redact/index.js';

async function urlGuard(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const verdict = inspectUrl(request.raw.url ?? '/');
    if (!verdict.ok) throw new AppError('SENSITIVE_DATA_IN_URL', { field: verdict.location });
  });
}

export default fp(urlGuard, { name: 'url-guard' });
