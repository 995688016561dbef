/**
 * The HTTP layer on top of a core: Fastify over TLS with its timeouts and parser settings, the hooks every request
 * passes (security headers, redacted log line, transport and URL guards, seal gate, authentication and
 * authorization, purpose), and the routes. There is no code path that serves the API over plain HTTP: the app is
 * always built with TLS material. Closing the app stops the core.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Core } from '../core/index.js';
import { createTlsServerOptions } from '../tls/index.js';
import { VERSION } from '../version.js';
import { auditContext } from './audit-context.js';
import { auditedPathResource } from './audit-resource.js';
import { registerConsolePage } from './console-page.js';
import { registerOpenApi } from './openapi.js';
import accessPurpose from './plugins/access-purpose.js';
import authenticate from './plugins/authenticate.js';
import { createClientErrorHandler } from './plugins/client-errors.js';
import errorHandler from './plugins/error-handler.js';
import { createFrameworkErrorHandler } from './plugins/framework-errors.js';
import metrics from './plugins/metrics.js';
import queryIntegers from './plugins/query-integers.js';
import quota from './plugins/quota.js';
import requestLog from './plugins/request-log.js';
import sealGate from './plugins/seal-gate.js';
import securityHeaders, { corsOriginOf } from './plugins/security-headers.js';
import textGuard from './plugins/text-guard.js';
import transportGuard from './plugins/transport-guard.js';
import urlGuard, { MAX_PATH_PARAM_LENGTH } from './plugins/url-guard.js';
import { parseQueryString } from './query-string.js';
import { createQuotaGate } from './quota-gate.js';
import { refusalReason } from './refusal-reason.js';
import routeDocs from './route-docs.js';
import { registerRoutes } from './routes/index.js';
import { errorResponse } from './schemas.js';
import {
  CONNECTIONS_CHECKING_INTERVAL_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  SOCKET_IDLE_TIMEOUT_MS,
} from './timeouts.js';

export interface HttpAppOptions {
  tls: { cert: string | Buffer; key: string | Buffer };
  /** Tests only, to watch an idle connection close in seconds: no flag or variable reaches it (timeouts.ts). */
  keepAliveTimeoutMs?: number;
}

function createFastify(core: Core, options: HttpAppOptions): FastifyInstance {
  const { config } = core;
  return Fastify({
    loggerInstance: core.logger,
    // Fastify's own request lines would log raw URLs; request-log.ts writes a redacted line instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // A too-long path parameter is refused by its route's schema (400, named), not by the router (url-guard.ts).
    routerOptions: { querystringParser: parseQueryString, maxParamLength: MAX_PATH_PARAM_LENGTH },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Node reads the header limit and the checking interval only when the server is created (timeouts.ts).
    https: {
      ...createTlsServerOptions(options.tls),
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    // timeouts.ts: a whole request within the request timeout (30 s), a socket silent 60 s, a connection idle
    // 60 s between requests (Fastify's default, 72 s, would contradict the documented 60).
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: SOCKET_IDLE_TIMEOUT_MS,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS,
    // Errors raised before any hook runs: answered in our shape with the transport and URL checks and the headers.
    frameworkErrors: createFrameworkErrorHandler({
      revoker: core.services.revoker,
      isBehindProxy: config.trustProxy !== false,
      corsOrigin: corsOriginOf(config.publicUrl),
    }),
    clientErrorHandler: createClientErrorHandler({
      logger: core.logger,
      corsOrigin: corsOriginOf(config.publicUrl),
    }),
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: false,
        // Field values are JSON scalars of several types (`type: [string, number, boolean, null]`).
        allowUnionTypes: true,
      },
    },
  }) as unknown as FastifyInstance;
}

/** Builds the Fastify app for `core`; the caller listens (cli/serve) or injects (tests). */
export async function createHttpApp(core: Core, options: HttpAppOptions): Promise<FastifyInstance> {
  const { services, rootKey } = core;
  const app = createFastify(core, options);
  app.removeContentTypeParser('text/plain');
  app.addSchema(errorResponse);
  await app.register(errorHandler, {
    // A refused request on an audited route is in the trail too (as denied or rate limited), and so is a miss
    // that hides existence (not_found), so that both branches of such an answer cost the same. A 503 for a
    // dependency other than the database is recorded as failed (reason DEPENDENCY_UNAVAILABLE).
    onRefused: async (request, error, outcome, action) => {
      await services.audit.record({
        ...auditContext(request),
        ...(request.purpose === null ? {} : { purpose: request.purpose }),
        action,
        // Only path parameters that pass the route's schema: a refusal can come before validation.
        resource: auditedPathResource(request),
        outcome,
        reason: refusalReason(error),
      });
    },
  });
  // Before every route, so that each route pattern is known to the `route` label (plugins/metrics.ts).
  await app.register(metrics, { metrics: core.metrics });
  await app.register(securityHeaders, { publicUrl: core.config.publicUrl });
  await app.register(requestLog);
  if (core.config.trustProxy !== false) await app.register(transportGuard, { revoker: services.revoker });
  await app.register(urlGuard);
  await app.register(textGuard);
  await app.register(queryIntegers);
  await app.register(sealGate, { rootKey });
  // Quotas count each request right after authentication (and public ones before their body is read).
  const quotaGate = createQuotaGate({ quotas: services.quotas });
  await app.register(authenticate, {
    authenticator: services.authenticator,
    authorizer: services.authorizer,
    quota: quotaGate,
  });
  await app.register(quota, { gate: quotaGate });
  await app.register(accessPurpose, { purposes: () => services.authorizer.purposes() });
  // Before the document generator and the routes: it completes each route's schema as the route registers.
  await app.register(routeDocs);
  await registerOpenApi(app, VERSION, core.config);
  await registerRoutes(app, core);
  await registerConsolePage(app);
  app.addHook('onClose', () => core.stop());
  return app;
}
