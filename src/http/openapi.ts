import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { ERRORS } from '../errors.js';
import { registerDocsPage } from './docs-page.js';
import { styleObjectParameters } from './openapi-parameters.js';
import { TAGS } from './route-docs.js';

// Operations that take either scheme list both; a client that fills every listed scheme must be told to pick one.
const ONE_CREDENTIAL =
  'Send exactly one credential header per request: `Authorization` or `X-API-Key`, never both (refused with 401 AMBIGUOUS_CREDENTIALS before either is checked).';

const errorTable = Object.entries(ERRORS)
  .map(([code, { status, message }]) => `| \`${code}\` | ${status} | ${message} |`)
  .join('\n');

/**
 * The error table, as the description of a last tag that no operation carries: renderers (the /docs page among
 * them) show tags in the document's order, so it comes after the operations instead of before them in `info`.
 */
export const ERRORS_TAG = {
  name: 'errors',
  description: `Every error answer is an \`ErrorResponse\`: \`{"error": {"code", "message", "field"?, "request_id"}}\`. \`field\` names the offending field (\`body.password\`, \`path.id\`, \`query.limit\`); no value is ever echoed. The codes are stable; codes marked internal never leave the server (a client sees \`INTERNAL_ERROR\`).\n\n| code | status | meaning |\n|---|---|---|\n${errorTable}`,
} as const;

/**
 * Registers the OpenAPI 3.1 generator (from route schemas, completed by route-docs.ts), `/openapi.json` and the
 * rendered `/docs`. `server.publicUrl` is where clients reach it (the `servers` entry).
 */
export async function registerOpenApi(
  app: FastifyInstance,
  version: string,
  server: { publicUrl: string; mode: string },
): Promise<void> {
  const { publicUrl, mode } = server;
  await app.register(swagger, {
    // Shared schemas keep their `$id` as their name (ErrorResponse), instead of def-0.
    transformObject: (documents) =>
      'openapiObject' in documents ? styleObjectParameters(documents.openapiObject) : documents.swaggerObject,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Strongroom API',
        version,
        description:
          'HTTPS-only API for passwords, personal data and API keys. Operations are grouped by tag; the error codes are listed under `errors`, after them.',
        // As package.json says: no public licence has been chosen yet.
        license: { name: 'UNLICENSED' },
        contact: { name: 'The operators of this Strongroom deployment' },
      },
      // `x-internal` (an OWASP inventory extension) is not in the generator's types.
      servers: [
        {
          url: publicUrl,
          // In words API inventories recognise (OWASP API9): development mode is a local environment.
          description: `This server: ${mode === 'production' ? 'production' : 'local development'} environment (HTTPS only)`,
          'x-internal': false,
        },
      ] as never,
      tags: [...TAGS, ERRORS_TAG],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: `Access tokens are short-lived EdDSA (Ed25519) JWTs following RFC8725 (JWT best current practices): one algorithm only, an explicit \`typ\`, \`iss\`, \`aud\`, \`exp\` and \`kid\` checked, key-carrying headers refused, keys published at /.well-known/jwks.json. \`Authorization: Bearer\` also takes an API key. ${ONE_CREDENTIAL}`,
          },
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description: `An API key (\`srk_…\`); never an access token. ${ONE_CREDENTIAL}`,
          },
        },
      },
    },
  });
  await registerDocsPage(app);
  app.get(
    '/openapi.json',
    { config: { access: 'public', quota: 'exempt' }, schema: { hide: true } },
    async () => app.swagger(),
  );
}
