import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/index.js';
import type { Action } from '../policy/index.js';
import type { AuditAction } from '../services/audit/index.js';

/**
 * Who may call a route: anyone (`public`), any authenticated caller, or an interactive session only (no API key).
 * Every route must declare one; a route without it cannot be registered (deny by default). What an authenticated
 * caller may do beyond that is the policy's to say (`RouteAuthorization`), never a role name on the route.
 */
export type Access = 'public' | 'authenticated' | 'session';

/**
 * The policy action a route performs and the resource path it acts on (policy/resource-paths.ts). A string is
 * decided as soon as the caller is authenticated, before the body is read; a function of the validated request
 * (for a resource named in the body or path) is decided after validation, before the handler runs.
 */
export interface RouteAuthorization {
  action: Action;
  resource: string | ((request: FastifyRequest) => string);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The policy action and resource the route needs (see RouteAuthorization); none: authentication suffices. */
    authorize?: RouteAuthorization;
    /** The audit action of a data route: a refusal (denied, rate limited) is recorded under it too. */
    audit?: AuditAction;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The purpose stated in `X-Access-Purpose` (validated against the policy), null when none or not authenticated. */
    purpose: string | null;
    /** The error code the request was answered with, for its one log line (request-log.ts). */
    errorCode: string | null;
  }
}
