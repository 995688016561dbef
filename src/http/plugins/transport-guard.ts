/**
 * Behind a TLS-terminating proxy (`trustProxy`), refuses a request that reached the proxy over plain http
 * (`X-Forwarded-Proto` not https) exactly as the plain-HTTP port does: 426 HTTPS_REQUIRED, before the body is read,
 * and any credential it carried is revoked because it crossed the network in clear text.
 * The refusal is shared with framework-errors.ts, which answers the requests Fastify fails before any hook runs.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ExposedCredentialRevoker } from '../../auth/index.js';
import { AppError } from '../../errors.js';
import { collectExposedCredentials } from '../exposed-credentials.js';

/**
 * True when `X-Forwarded-Proto` (its last entry, as Fastify reads it) names anything but https. Unlike
 * `request.protocol`, this does not check that the sender is a trusted proxy: it is for requests Fastify built
 * without its trust rules, and failing closed there costs a client only the credentials it sent itself.
 */
export function isForwardedAsPlainHttp(headers: IncomingHttpHeaders): boolean {
  const proto = headers['x-forwarded-proto'];
  const value = Array.isArray(proto) ? proto.join(',') : proto;
  if (value === undefined || value === '') return false;
  return value.slice(value.lastIndexOf(',') + 1).trim() !== 'https';
}

/** Revokes every credential a clear-text request carried and returns the error to answer it with. */
export async function refuseClearTextRequest(
  request: { headers: IncomingHttpHeaders; url: string; ip: string; id?: string },
  revoker: Pick<ExposedCredentialRevoker, 'revoke'>,
): Promise<AppError> {
  const credentials = collectExposedCredentials(request.headers, request.url);
  if (credentials.length > 0) await revoker.revoke(credentials, request.ip, request.id);
  return new AppError('HTTPS_REQUIRED');
}

async function transportGuard(
  app: FastifyInstance,
  options: { revoker: ExposedCredentialRevoker },
): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') return;
    const error = await refuseClearTextRequest(
      { headers: request.headers, url: request.raw.url ?? '/', ip: request.ip, id: request.id },
      options.revoker,
    );
    reply.header('connection', 'close');
    throw error;
  });
}

export default fp(transportGuard, { name: 'transport-guard' });
