/**
 * Counts every answer for the Prometheus metrics (core/metrics.ts): method, route pattern and status with the
 * latency, login outcomes, and refusals by a throttle or a quota. The route label is Fastify's route pattern
 * (`routeOptions.url`, e.g. `/v1/collections/:collection/records/:id`), known from the routes as they register:
 * never the URL that was asked for, which can hold ids, tokens or anything a client types.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { LoginOutcome, Metrics } from '../../core/metrics.js';

const LOGIN_ROUTE = '/v1/auth/login';

/** The outcome of a password login, from its answer (the login flow decides; this only reads the result). */
export function loginOutcome(status: number, errorCode: string | null): LoginOutcome {
  if (status === 200) return 'ok';
  if (status === 401) return 'failed';
  if (errorCode === 'TOO_MANY_ATTEMPTS') return 'throttled';
  if (errorCode === 'RATE_LIMITED') return 'rate_limited';
  if (errorCode === 'SERVICE_BUSY') return 'busy';
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'invalid';
  return 'error';
}

async function metricsPlugin(app: FastifyInstance, options: { metrics: Metrics }): Promise<void> {
  const { metrics } = options;
  app.addHook('onRoute', (route: RouteOptions) => metrics.knowRoute(route.url));
  // Callback-style (not async): a hook that answers at once costs no promise on every request.
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url;
    const status = reply.statusCode;
    metrics.observeRequest(request.method, route, status, reply.elapsedTime / 1000);
    if (request.errorCode === 'TOO_MANY_ATTEMPTS') metrics.refusal('throttle');
    else if (request.errorCode === 'RATE_LIMITED') metrics.refusal('quota');
    if (route === LOGIN_ROUTE && request.method === 'POST') {
      metrics.login(loginOutcome(status, request.errorCode));
    }
    done();
  });
}

export default fp(metricsPlugin, { name: 'metrics' });
