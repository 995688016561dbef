/**
 * Behind a TLS-terminating proxy (`trustProxy`), refuses a request that reached the proxy over plain http
 * (`X-Forwarded-Proto` not https) exactly as the plain-HTTP port does: 426 HTTPS_REQUIRED, before the body is read,
 * and any credential it carried is revoked because it crossed the network in clear text.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ExposedCredentialRevoker } from '../../auth/index.js';
import { AppError } from '../../errors.js';
import { collectExposedCredentials } from '../exposed-credentials.js';

async function transportGuard(
  app: FastifyInstance,
  options: { revoker: ExposedCredentialRevoker },
): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') return;
    const credentials = collectExposedCredentials(request.headers, request.raw.url ?? '/');
    if (credentials.length > 0) await options.revoker.revoke(credentials, request.ip);
    reply.header('connection', 'close');
    throw new AppError('HTTPS_REQUIRED');
  });
}

export default fp(transportGuard, { name: 'transport-guard' });
