/**
 * The rendered API reference at `/docs` (@fastify/swagger-ui over the served document). The page runs under a
 * CSP of its own, strict enough for a page served beside credentials: scripts, styles and fetches from this origin
 * only, no inline script, and never framed, so it agrees with `X-Frame-Options: DENY`, which security-headers.ts
 * sends on every answer (the plugin's default CSP allowed `frame-ancestors 'self'`, any https style or font host,
 * and the Swagger validator's images).
 */
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const DOCS_PREFIX = '/docs';

/** The CSP of every `/docs` answer (the API's own answers keep `default-src 'none'`). */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // "Try it out" calls the API from the page.
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Registers `/docs`; the document it renders is the one `/openapi.json` serves. */
export async function registerDocsPage(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: DOCS_CSP });
}
