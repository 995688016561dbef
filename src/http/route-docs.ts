/**
 * What the OpenAPI document says about a route is derived from what the route really does, so the two cannot
 * drift apart: `security` from `config.access` (an explicit `[]` on public routes), the description from the access
 * level, the policy action and the audit action, the `X-Access-Purpose` header wherever authentication reads it,
 * and the error responses every route can give (validation, authentication and refusal, body limits, failures).
 * A documented route without an `operationId` or a `description` cannot be registered (ROUTE_CONFIG_INVALID):
 * the generated client names its methods after the operation ids.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { PURPOSE_HEADER } from './field-location.js';
import { withQuotaResponses } from './quota-docs.js';
import { errorRef } from './schemas.js';
import type { Access } from './types.js';

/** The tags operations are grouped by, in the order the docs page shows them. */
export const TAGS = [
  { name: 'system', description: 'Health, readiness, token verification keys and sealing' },
  { name: 'auth', description: 'Logging in and out, and refreshing tokens' },
  { name: 'me', description: 'The authenticated caller' },
  { name: 'users', description: 'Accounts, their roles and attributes (policy: `manage_users`)' },
  { name: 'api-keys', description: "The caller's API keys" },
  { name: 'policies', description: 'The access policy and its versions (policy: `manage_policies`)' },
  { name: 'records', description: 'Collections and their encrypted records' },
  { name: 'tokens', description: 'Tokens that stand in for sensitive values' },
  { name: 'audit', description: 'The tamper-evident audit trail (policy: `read_audit`)' },
  { name: 'keys', description: 'Key rotation (policy: `manage_keys`)' },
] as const;

const OPERATION_ID = /^[a-z][A-Za-z0-9]{2,63}$/;

const SECURITY: Record<Access, object[]> = {
  public: [],
  authenticated: [{ bearerAuth: [] }, { apiKey: [] }],
  session: [{ bearerAuth: [] }],
};

const ACCESS_TEXT: Record<Access, string> = {
  public: '',
  authenticated:
    'Send exactly one credential: `Authorization: Bearer <access token>` or `X-API-Key: <key>` (both at once is refused with 401 AMBIGUOUS_CREDENTIALS).',
  session:
    'Needs an access token of an interactive session (`Authorization: Bearer`); API keys are refused (403).',
};

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is not valid (the `field` names what to fix, never its value)',
  401: 'No credential, two credential headers at once, or an invalid, expired or revoked one',
  403: 'Not allowed by the access policy, or a purpose is required',
  404: 'Not found (also for objects the caller may not see)',
  409: 'Conflicts with the current state',
  410: "The subject's data has been erased",
  413: 'The request body is too large',
  415: 'The request body must be application/json',
  429: 'Too many attempts, or the quota is used up; retry after the seconds in `Retry-After`',
  500: 'Internal error (the request id is in the body; nothing else is said)',
  503: 'Sealed, not ready, busy, the audit trail cannot be written, or the database or Redis does not answer; retry later (after the `Retry-After` seconds when given)',
};

const purposeHeader = {
  type: 'string',
  pattern: '^[a-z][a-z0-9_]{0,63}$',
  maxLength: 64,
  description:
    'Why the data is accessed; one of the purposes the policy configures (required where it says so)',
};

function errorResponse(status: number) {
  return { description: ERROR_TEXT[status] ?? 'Error', ...errorRef };
}

/** The error statuses a route can answer besides those it declares itself. */
function defaultErrors(route: RouteOptions, access: Access): number[] {
  const statuses = [400, 500, 503];
  if (access !== 'public') statuses.push(401, 403);
  if (route.url.includes(':')) statuses.push(404);
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH')) statuses.push(413, 415);
  return statuses;
}

function describe(route: RouteOptions, access: Access, own: string): string {
  const rule = route.config?.authorize;
  const resource =
    typeof rule?.resource === 'string' ? `\`${rule.resource}\`` : 'the resource the request names';
  return [
    own,
    ACCESS_TEXT[access],
    rule === undefined ? '' : `Policy: \`${rule.action}\` on ${resource}.`,
    route.config?.audit === undefined
      ? ''
      : `Every answer, refusals included, is audited as \`${route.config.audit}\`.`,
    route.config?.quotaPlan?.description ?? '',
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}

const corsOrigin = {
  type: 'string',
  format: 'uri',
  maxLength: 2048,
  description:
    "This server's own public origin (`servers[0].url`): browsers let no other origin read the answer",
};

/** Every answer names the one origin that may read it (security-headers.ts sends it); new objects, as above. */
function withCorsOrigin(response: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(response).map(([status, value]) => {
      const own = value as { headers?: object };
      return [status, { ...own, headers: { ...own.headers, 'Access-Control-Allow-Origin': corsOrigin } }];
    }),
  );
}

async function routeDocs(app: FastifyInstance): Promise<void> {
  // The HEAD route Fastify adds for each GET shares its schema object: complete each schema once.
  const documented = new WeakSet<object>();
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (schema === undefined || schema.hide === true || documented.has(schema)) return;
    documented.add(schema);
    const access = route.config?.access;
    if (access === undefined) return; // refused by the authenticate plugin, which names the problem
    const invalid = (field: string, problem: string) =>
      new AppError('ROUTE_CONFIG_INVALID', {
        field,
        message: `route ${route.method} ${route.url} ${problem}`,
      });
    if (typeof schema.operationId !== 'string' || !OPERATION_ID.test(schema.operationId))
      throw invalid('schema.operationId', 'needs a camelCase operationId');
    if (typeof schema.description !== 'string' || schema.description.length < 10)
      throw invalid('schema.description', 'needs a description');
    schema.description = describe(route, access, schema.description);
    schema.security = SECURITY[access];
    if (access !== 'public') {
      const headers = (schema.headers ?? { type: 'object', properties: {} }) as {
        properties: Record<string, unknown>;
      };
      headers.properties[PURPOSE_HEADER] = purposeHeader;
      schema.headers = headers;
    }
    const response = (schema.response ?? {}) as Record<string, unknown>;
    for (const status of defaultErrors(route, access)) response[status] ??= errorResponse(status);
    for (const [status, value] of Object.entries(response)) {
      if (value === errorRef) response[status] = errorResponse(Number(status));
      // A success says what it holds (the summary) rather than the generator's "Default Response".
      const own = value as { description?: string };
      if (status.startsWith('2') && own.description === undefined && typeof schema.summary === 'string') {
        response[status] = { ...own, description: schema.summary };
      }
    }
    schema.response = withCorsOrigin(withQuotaResponses(route.config?.quotaPlan, response, errorResponse));
  });
}

export default fp(routeDocs, { name: 'route-docs' });
