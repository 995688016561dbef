/**
 * Security headers on every response, errors and 404s included: HSTS (this API is HTTPS-only), no caching of API
 * responses (they carry credentials and personal data), no sniffing, no framing, no referrer, a deny-all CSP.
 * Routes that serve public, cacheable or HTML content (JWKS, /docs) set their own Cache-Control / CSP first.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const HSTS = 'max-age=63072000; includeSubDomains';

const FIXED: Record<string, string> = {
  'strict-transport-security': HSTS,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'interest-cohort=()',
};

async function securityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(FIXED)) reply.header(name, value);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
    reply.header('x-request-id', request.id);
    return payload;
  });
}

export default fp(securityHeaders, { name: 'security-headers' });
