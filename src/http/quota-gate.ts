/**
 * Counts each request of a quota-governed route in its bucket, once, and answers `429 RATE_LIMITED` (with
 * `Retry-After`) when the bucket cannot pay for it. Every answer it has counted carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers): the bucket's capacity, the
 * whole units left, and the seconds until it is full again, all integers.
 *
 * When a request is counted:
 * - right after authentication, before authorization and before the body is read (`afterAuthentication`, called
 *   by plugins/authenticate.ts); a failed authentication is counted in the client address's `auth` bucket and
 *   answered 429 instead of 401 once that bucket is empty;
 * - public routes (login, refresh, unseal) in the address's `auth` bucket, before the body is read;
 * - routes whose cost depends on the request (QuotaRule) after validation, before the route's own authorization
 *   and the handler;
 * - a 4xx answered before any of these (URL guard, body parsing, validation, purpose) is counted in the route's
 *   group too, but never turned into a 429: it was refused anyway. It only keeps the headers truthful.
 * Fail closed: if the bucket store cannot answer, the request is answered 503 DEPENDENCY_UNAVAILABLE.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { throttleAddressKey } from '../auth/index.js';
import { AppError } from '../errors.js';
import type { QuotaGroup } from '../model/index.js';
import type { QuotaIdentity, QuotaService } from '../services/index.js';
import type { QuotaOutcome } from '../state/index.js';
import type { QuotaPlan } from './quota-plan.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by plugins/quota.ts when the route registers: its plan, or null when exempt. */
    quotaPlan?: QuotaPlan | null;
  }
  interface FastifyRequest {
    /** True once the request has been counted (or tried to be): it is never counted twice. */
    quotaCounted: boolean;
  }
}

/** The identity a request is counted under: its API key, its user, or (unauthenticated) its client address. */
export function quotaIdentityOf(request: FastifyRequest): QuotaIdentity {
  const { actor } = request;
  if (actor === null) return { key: `addr:${throttleAddressKey(request.ip)}`, roles: [] };
  if (actor.kind === 'api_key') return { key: `key:${actor.apiKeyId}`, roles: actor.roles };
  return { key: `user:${actor.userId}`, roles: actor.roles };
}

function setHeaders(reply: FastifyReply, outcome: QuotaOutcome): void {
  reply.header('RateLimit-Limit', String(outcome.limit));
  reply.header('RateLimit-Remaining', String(outcome.remaining));
  reply.header('RateLimit-Reset', String(Math.ceil(outcome.resetMs / 1000)));
}

function planOf(request: FastifyRequest): QuotaPlan | null {
  const plan = request.routeOptions.config.quotaPlan;
  // Every route is planned when it registers (plugins/quota.ts); one that was not is a wiring error.
  if (plan === undefined) throw new AppError('ROUTE_CONFIG_INVALID', { field: 'config.quota' });
  return plan;
}

export function createQuotaGate(deps: { quotas: Pick<QuotaService, 'take' | 'takeNow' | 'quotaFor'> }) {
  const settle = (reply: FastifyReply, outcome: QuotaOutcome, enforce: boolean): void => {
    setHeaders(reply, outcome);
    if (enforce && !outcome.allowed) {
      throw new AppError('RATE_LIMITED', { retryAfter: Math.ceil(outcome.retryAfterMs / 1000) });
    }
  };

  /**
   * Counts the request; answered at once (undefined, or a synchronous throw) when the store holds its buckets in
   * memory, otherwise through the returned promise.
   */
  function count(
    request: FastifyRequest,
    reply: FastifyReply,
    charge: { group: QuotaGroup; cost: number; field?: string },
    enforce: boolean,
  ): Promise<void> | undefined {
    const identity = quotaIdentityOf(request);
    const quota = deps.quotas.quotaFor(charge.group, identity.roles);
    const { capacity } = quota;
    // A request that asks for more at once than the bucket can ever hold would be refused forever: say which field.
    if (charge.field !== undefined && charge.cost > capacity) {
      throw new AppError('VALIDATION_FAILED', {
        field: charge.field,
        message: `${charge.field} asks for more than your ${charge.group} quota allows at once (${capacity})`,
      });
    }
    request.quotaCounted = true;
    const now = deps.quotas.takeNow(identity, charge.group, charge.cost, quota);
    if (now !== undefined) {
      settle(reply, now, enforce);
      return undefined;
    }
    return deps.quotas
      .take(identity, charge.group, charge.cost, quota)
      .then((outcome) => settle(reply, outcome, enforce));
  }

  return {
    /**
     * After authentication succeeded or failed: counts routes charged at a fixed price (see header). Answers at once
     * (undefined, or a synchronous throw) when the quota store is in memory, so a cached request costs no promise.
     */
    afterAuthentication(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
      const plan = planOf(request);
      if (plan === null || request.quotaCounted) return undefined;
      if (request.actor === null) return count(request, reply, { group: 'auth', cost: 1 }, true);
      if (plan.charge === null) return count(request, reply, { group: plan.group, cost: 1 }, true);
      return undefined;
    },

    /** onRequest of public routes: the client address's bucket. */
    async beforePublic(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const plan = planOf(request);
      if (plan !== null) await count(request, reply, { group: plan.group, cost: 1 }, true);
    },

    /** preHandler of routes with a QuotaRule: the validated request's group and cost. */
    async beforeHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const plan = planOf(request);
      if (plan === null || plan.charge === null || request.quotaCounted) return;
      await count(request, reply, plan.charge(request), true);
    },

    /** onError: a 4xx answered before the request was counted is counted now (never refused: see header). */
    async afterEarlyError(
      request: FastifyRequest,
      reply: FastifyReply,
      status: number,
      log: FastifyBaseLogger,
    ): Promise<void> {
      const plan = request.routeOptions.config.quotaPlan;
      if (plan === undefined || plan === null || request.quotaCounted) return;
      if (status < 400 || status >= 500) return;
      const group = request.actor === null ? 'auth' : plan.group;
      try {
        await count(request, reply, { group, cost: 1 }, false);
      } catch (err) {
        log.warn({ err }, 'quota: an early refusal could not be counted');
      }
    },
  };
}

export type QuotaGate = ReturnType<typeof createQuotaGate>;
