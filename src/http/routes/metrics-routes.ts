/**
 * `GET /metrics`: the Prometheus text exposition (core/metrics.ts). On the API port, over TLS, for a caller the
 * policy grants `read_metrics` on `system/metrics` (`admin`, and the built-in `monitor` role that may do nothing
 * else): a scraper's API key. Never public: route counts, queue depths and dependency health say how the service
 * is used and when it is weak. The exposition carries no user, value or id (every label is from a closed set).
 * Not audited (a scrape every few seconds would fill the trail with nothing); counted in the `admin` quota group.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../core/metrics.js';
import { resourcePaths } from '../../policy/index.js';
import { responses } from '../schemas.js';

const READ_METRICS = { action: 'read_metrics', resource: resourcePaths.system('metrics') } as const;

/** The exposition's media type (text format 0.0.4), as prom-client names it. */
export const EXPOSITION_MEDIA_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export async function metricsRoutes(
  app: FastifyInstance,
  options: { metrics: Pick<Metrics, 'render' | 'contentType'> },
): Promise<void> {
  app.get(
    '/metrics',
    {
      config: { access: 'authenticated', authorize: READ_METRICS },
      schema: {
        tags: ['system'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format)',
        description:
          'Request counts and latency by route pattern and status, login outcomes, throttle and quota refusals, hashing and audit queue depths, audit commit latency, key job progress, dependency health, cache hit rates and the Node.js process (event-loop lag, memory, GC). Labels come from closed sets: never a user, value or id. Scrape it with an API key of a `monitor` account (see docs/metrics.md).',
        response: responses({
          200: {
            description: 'The metrics in the Prometheus text exposition format 0.0.4',
            content: {
              'text/plain': {
                // Lines of `# HELP`/`# TYPE` comments and samples, each starting with `#` or a metric name.
                schema: { type: 'string', pattern: '^(#|[a-zA-Z_:])', maxLength: 4_194_304 },
              },
            },
          },
        }),
      },
    },
    async (_request, reply) => {
      const text = await options.metrics.render();
      reply.header('cache-control', 'no-store');
      return reply.type(options.metrics.contentType).send(text);
    },
  );
}
