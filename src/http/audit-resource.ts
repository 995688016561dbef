/**
 * The resource of a refusal's audit event, taken from the request path.
 * Invariant: a path parameter reaches the trail only if it passes the route's own params schema (the compiled
 * validator the route validates with); one that does not is recorded as `INVALID_IDENTIFIER`, never as sent.
 * Threats addressed: a refusal answered before validation (an unknown purpose, a quota or policy refusal) writing
 * a client-chosen path segment (an API key, a card number, a JWT) into the hash chain, where it cannot be removed.
 * Not addressed: identifiers that are valid but sensitive (none of the path parameters audited here is one).
 */
import type { FastifyRequest } from 'fastify';
import type { AuditInput } from '../services/audit/index.js';

/** What an audited path parameter that failed its route's schema is recorded as. */
export const INVALID_IDENTIFIER = '$invalid';

/** The path parameters a refusal records, and the audit resource key each becomes. */
const AUDITED_PARAMS = { collection: 'collection', id: 'recordId' } as const;

type ParamsSchema = { properties?: Record<string, unknown> } | undefined;

/** `value` if it passes `schema` (compiled once per route and schema, by the route's own validator). */
function validated(request: FastifyRequest, value: unknown, schema: unknown): string {
  if (typeof value !== 'string' || typeof schema !== 'object' || schema === null) return INVALID_IDENTIFIER;
  return request.validateInput(value, schema as Record<string, unknown>) ? value : INVALID_IDENTIFIER;
}

/** The collection and record id of `request`'s path, each only as validated by the route's params schema. */
export function auditedPathResource(request: FastifyRequest): NonNullable<AuditInput['resource']> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const schema = request.routeOptions.schema?.params as ParamsSchema;
  const resource: { collection?: string; recordId?: string } = {};
  for (const [name, key] of Object.entries(AUDITED_PARAMS)) {
    if (!(name in params)) continue;
    // A parameter the route does not declare is never validated, so it is never recorded as sent.
    resource[key] = validated(request, params[name], schema?.properties?.[name]);
  }
  return resource;
}
