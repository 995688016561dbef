/**
 * Security headers on every response, errors and 404s included: HSTS (this API is HTTPS-only), no caching of API
 * responses (they carry credentials and personal data), no sniffing, no framing, no referrer, a deny-all CSP.
 * Routes that serve public, cacheable or HTML content (JWKS, /docs) set their own Cache-Control / CSP first.
 * CORS is explicit rather than absent: `Access-Control-Allow-Origin` names this server's own public origin, so a
 * page on any other origin cannot read an answer (and nothing ever says `*`, `null` or echoes the caller's Origin).
 * Preflights are not answered, so cross-origin writes with credentials never get past the browser.
 * Answers written without hooks (framework-errors.ts, client-errors.ts) take their headers from here too.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

export const HSTS = 'max-age=63072000; includeSubDomains';

const FIXED: Readonly<Record<string, string>> = {
  'strict-transport-security': HSTS,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'interest-cohort=()',
};

// Set only when the route has not chosen its own.
const DEFAULTS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

// Listed once, not on every answer.
const FIXED_ENTRIES = Object.entries(FIXED);
const DEFAULT_ENTRIES = Object.entries(DEFAULTS);

/** Every security header with its default value, for answers written straight to a socket. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({ ...FIXED, ...DEFAULTS });

export const CORS_ORIGIN_HEADER = 'access-control-allow-origin';

/** The one origin allowed to read answers: the configured public URL's. */
export function corsOriginOf(publicUrl: string): string {
  return new URL(publicUrl).origin;
}

/**
 * Sets the security headers, the CORS origin and the request id on `reply`, keeping a route's own Cache-Control and
 * CSP.
 */
export function applySecurityHeaders(reply: FastifyReply, requestId: string, corsOrigin: string): void {
  for (const [name, value] of FIXED_ENTRIES) reply.header(name, value);
  for (const [name, value] of DEFAULT_ENTRIES) {
    if (!reply.hasHeader(name)) reply.header(name, value);
  }
  reply.header(CORS_ORIGIN_HEADER, corsOrigin);
  reply.header('x-request-id', requestId);
}

async function securityHeaders(app: FastifyInstance, options: { publicUrl: string }): Promise<void> {
  const origin = corsOriginOf(options.publicUrl);
  // Callback-style (not async): a hook that answers at once costs no promise on every request.
  app.addHook('onSend', (request, reply, payload, done) => {
    applySecurityHeaders(reply, request.id, origin);
    done(null, payload);
  });
}

export default fp(securityHeaders, { name: 'security-headers' });
