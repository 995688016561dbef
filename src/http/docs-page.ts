/**
 * The rendered API reference at `/docs` (@fastify/swagger-ui over the served document): operations first, grouped
 * by tag in the document's order, the error table last (the `errors` tag of openapi.ts), with no framework
 * branding (no top bar, logo or favicon of Swagger or Fastify) and no request to any other origin (no validator
 * badge). The page runs under a CSP of its own, strict enough for a page served beside credentials: scripts, styles
 * and fetches from this origin only, no inline script, and never framed, so it agrees with `X-Frame-Options:
 * DENY`, which security-headers.ts sends on every answer (the plugin's default CSP allowed `frame-ancestors
 * 'self'`, any https style or font host, and the Swagger validator's images).
 */
import swaggerUi, { type FastifySwaggerUiOptions } from '@fastify/swagger-ui';
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

// A plain key shape in the page's own colours instead of the Swagger favicon.
const FAVICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f2937"/>' +
    '<circle cx="6" cy="8" r="3" fill="none" stroke="#f9fafb" stroke-width="1.5"/>' +
    '<path d="M9 8h5M12 8v2" stroke="#f9fafb" stroke-width="1.5"/></svg>',
);

/** Swagger UI settings; `layout: 'BaseLayout'` is the one without the branded top bar and its URL box. */
export const DOCS_UI_CONFIG = {
  layout: 'BaseLayout',
  docExpansion: 'list',
  deepLinking: true,
  displayOperationId: true,
  // No tagsSorter or operationsSorter: the document's order (tags as TAGS lists them, then `errors`) is kept.
  // Schemas stay listed after the operations, folded.
  defaultModelsExpandDepth: 0,
} as const satisfies FastifySwaggerUiOptions['uiConfig'];

// Swagger UI sets a tag's description beside its name; the error table is too long for that, so it goes below.
const ERRORS_TAG_CSS = [
  '#operations-tag-errors { flex-wrap: wrap; align-items: flex-start; }',
  '#operations-tag-errors > small { flex-basis: 100%; order: 1; padding: 10px 0 0; }',
  '#operations-tag-errors th, #operations-tag-errors td { padding-right: 12px; }',
].join('\n');

// @fastify/swagger-ui puts the Fastify logo into its page unless `logo` is null, which its types leave out.
const NO_LOGO = { logo: null } as unknown as Pick<FastifySwaggerUiOptions, 'logo'>;

/** Registers `/docs`; the document it renders is the one `/openapi.json` serves. */
export async function registerDocsPage(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    staticCSP: DOCS_CSP,
    uiConfig: DOCS_UI_CONFIG,
    validatorUrl: false,
    theme: {
      title: 'Strongroom API',
      css: [{ filename: 'docs.css', content: ERRORS_TAG_CSS }],
      favicon: [
        { filename: 'favicon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: FAVICON },
      ],
    },
    ...NO_LOGO,
  });
}
