/**
 * One structured log line per request: request id, method, route pattern (never the raw URL, which may carry data
 * even after the URL guard), status, duration and, for a refusal, its error code. Bodies and headers are never
 * logged. One line, not two, per refused request keeps a flood of bad requests cheap to answer.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function requestLog(app: FastifyInstance): Promise<void> {
  // Callback-style (not async): a hook that answers at once costs no promise on every request.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(unmatched)',
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        ...(request.errorCode === null ? {} : { code: request.errorCode }),
      },
      'request completed',
    );
    done();
  });
}

export default fp(requestLog, { name: 'request-log' });
