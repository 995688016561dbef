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
import { registerOpenApi } from './openapi.js';
import accessPurpose from './plugins/access-purpose.js';
import authenticate from './plugins/authenticate.js';
import { createClientErrorHandler } from './plugins/client-errors.js';
import errorHandler from './plugins/error-handler.js';
import { createFrameworkErrorHandler } from './plugins/framework-errors.js';
import requestLog from './plugins/request-log.js';
import sealGate from './plugins/seal-gate.js';
import securityHeaders from './plugins/security-headers.js';
import transportGuard from './plugins/transport-guard.js';
import urlGuard from './plugins/url-guard.js';
import routeDocs from './route-docs.js';
import { registerRoutes } from './routes/index.js';
import { errorResponse } from './schemas.js';

export interface HttpAppOptions {
  tls: { cert: string | Buffer; key: string | Buffer };
}

function createFastify(core: Core, options: HttpAppOptions): FastifyInstance {
  const { config } = core;
  return Fastify({
    loggerInstance: core.logger,
    // Fastify's own request lines would log raw URLs; request-log.ts writes a redacted line instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    https: createTlsServerOptions(options.tls),
    // Node's defaults (0) let a client that trickles its request hold a connection forever. Constants, not config:
    // 30 s to receive a whole request (headers included), 60 s of socket inactivity.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    // Errors raised before any hook runs: answered in our shape with the transport and URL checks and the headers.
    frameworkErrors: createFrameworkErrorHandler({
      revoker: core.services.revoker,
      isBehindProxy: config.trustProxy !== false,
    }),
    clientErrorHandler: createClientErrorHandler({ logger: core.logger }),
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
    // A refused request on an audited route is in the trail too (as denied or rate limited).
    onRefused: async (request, error) => {
      const action = request.routeOptions.config.audit;
      if (action === undefined) return;
      const params = (request.params ?? {}) as { collection?: string; id?: string };
      await services.audit.record({
        ...auditContext(request),
        ...(request.purpose === null ? {} : { purpose: request.purpose }),
        action,
        resource: {
          ...(params.collection === undefined ? {} : { collection: params.collection }),
          ...(params.id === undefined ? {} : { recordId: params.id }),
        },
        outcome: error.code === 'TOO_MANY_ATTEMPTS' ? 'rate_limited' : 'denied',
      });
    },
  });
  await app.register(securityHeaders);
  await app.register(requestLog);
  if (core.config.trustProxy !== false) await app.register(transportGuard, { revoker: services.revoker });
  await app.register(urlGuard);
  await app.register(sealGate, { rootKey });
  await app.register(authenticate, {
    authenticator: services.authenticator,
    authorizer: services.authorizer,
  });
  await app.register(accessPurpose, { purposes: () => services.authorizer.purposes() });
  // Before the document generator and the routes: it completes each route's schema as the route registers.
  await app.register(routeDocs);
  await registerOpenApi(app, VERSION, core.config);
  await registerRoutes(app, core);
  app.addHook('onClose', () => core.stop());
  return app;
}
