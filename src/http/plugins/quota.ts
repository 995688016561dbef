/**
 * Quotas for every route: plans each route's quota group as it registers (quota-plan.ts; a route that cannot be
 * planned stops the start) and wires the counting hooks of quota-gate.ts. Registered after `authenticate`, which
 * calls the gate itself right after authentication, so that a refused request never reaches authorization, the
 * body parser or a handler.
 */
import type { FastifyError, FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { isAppError } from '../../errors.js';
import type { QuotaGate } from '../quota-gate.js';
import { planQuota } from '../quota-plan.js';
import { hooksOf } from '../route-hooks.js';

/** The status an error will be answered with (error-handler.ts keeps 4xx statuses as they are). */
function statusOf(error: FastifyError): number {
  if (isAppError(error)) return error.status;
  return error.validation !== undefined ? 400 : (error.statusCode ?? 500);
}

async function quotaPlugin(app: FastifyInstance, options: { gate: QuotaGate }): Promise<void> {
  const { gate } = options;
  app.decorateRequest('quotaCounted', false);

  app.addHook('onRoute', (route: RouteOptions) => {
    const plan = planQuota(route);
    // A copy: route configs can be shared constants between routes.
    route.config = { ...route.config, quotaPlan: plan };
    if (plan === null) return;
    if (plan.group === 'auth') route.onRequest = [gate.beforePublic, ...hooksOf(route.onRequest)];
    if (plan.charge !== null) route.preHandler = [gate.beforeHandler, ...hooksOf(route.preHandler)];
  });

  app.addHook('onError', async (request, reply, error) => {
    await gate.afterEarlyError(request, reply, statusOf(error), request.log);
  });
}

export default fp(quotaPlugin, { name: 'quota', dependencies: ['authenticate'] });
