import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/index.js';
import type { QuotaGroup } from '../model/index.js';
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

/** What one request costs, and in which group: known once the request is validated (see QuotaRule). */
export interface QuotaCharge {
  group: QuotaGroup;
  /** Units taken: 1 per request, or per value for reveal and detokenize. */
  cost: number;
  /** The request field that sets the cost (named when it asks for more than the caller's capacity). */
  field?: string;
}

/**
 * A quota that depends on the validated request (a read that reveals, a detokenization of n tokens): charged after
 * validation, before the handler. `group` is what errors answered before that are counted in.
 */
export interface QuotaRule {
  group: QuotaGroup;
  charge: (request: FastifyRequest) => QuotaCharge;
  /** One sentence for the API description. */
  description: string;
}

/**
 * How a route is counted against quotas (plugins/quota.ts): a group, a rule, or `exempt` (public probes only).
 * Authenticated routes may leave it out: it is derived from the route (`config.authorize`: admin, GET: reads,
 * other methods: writes). Public routes must declare it.
 */
export type QuotaDeclaration = QuotaGroup | QuotaRule | 'exempt';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The policy action and resource the route needs (see RouteAuthorization); none: authentication suffices. */
    authorize?: RouteAuthorization;
    /** The audit action of a data route: a refusal (denied, rate limited) is recorded under it too. */
    audit?: AuditAction;
    /**
     * Routes whose service audits every answer itself (login, refresh): the action a 503 DEPENDENCY_UNAVAILABLE
     * raised before or around the service (Redis down for the quota or the throttle) is recorded under, as failed.
     */
    auditUnavailable?: AuditAction;
    /** The route's quota group (see QuotaDeclaration); derived when absent on an authenticated route. */
    quota?: QuotaDeclaration;
    /**
     * `allowed`: a session whose password an administrator reset may call it before changing the password
     * (PUT /v1/me/password, GET /v1/me, logout). Every other route answers 403 PASSWORD_CHANGE_REQUIRED to it.
     */
    pendingPasswordChange?: 'allowed';
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The purpose stated in `X-Access-Purpose` (validated against the policy), null when none or not authenticated. */
    purpose: string | null;
    /** The error code the request was answered with, for its one log line (request-log.ts). */
    errorCode: string | null;
  }
}
