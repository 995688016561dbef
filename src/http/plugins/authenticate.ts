/**
 * Wires authentication and authorization into every route from its declared `config.access`.
 * Deny by default: registering a route without an access declaration throws at start-up, so no route can be
 * reachable by accident. `public` routes skip authentication; every other level authenticates from headers first
 * (`onRequest`, before the body is parsed) and then checks the level.
 */
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, Authenticator } from '../../auth/index.js';
import { AppError } from '../../errors.js';
import type { Access } from '../types.js';

// Routes added by @fastify/swagger-ui are static documentation assets.
const DOCS_PREFIX = '/docs';

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isAllowed(access: Access, actor: Actor): boolean {
  switch (access) {
    case 'authenticated':
      return true;
    case 'session':
      return actor.kind === 'session';
    case 'admin':
      return actor.roles.includes('admin');
    default:
      return false;
  }
}

/** The authenticated actor of a non-public route (set by the hook before any handler runs). */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) throw new AppError('AUTHENTICATION_REQUIRED');
  return request.actor;
}

async function authenticatePlugin(
  app: FastifyInstance,
  options: { authenticator: Authenticator },
): Promise<void> {
  app.decorateRequest('actor', null);

  const hookFor =
    (access: Access): onRequestHookHandler =>
    async (request) => {
      const headers = request.headers;
      request.actor = await options.authenticator.authenticate({
        authorization: firstHeader(headers.authorization),
        apiKey: firstHeader(headers['x-api-key']),
      });
      if (!isAllowed(access, request.actor)) throw new AppError('FORBIDDEN');
    };

  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access ?? (route.url.startsWith(DOCS_PREFIX) ? 'public' : undefined);
    if (access === undefined) throw new Error(`route ${route.method} ${route.url} declares no access level`);
    if (access === 'public') return;
    const existing =
      route.onRequest === undefined
        ? []
        : Array.isArray(route.onRequest)
          ? route.onRequest
          : [route.onRequest];
    route.onRequest = [hookFor(access), ...existing];
  });
}

export default fp(authenticatePlugin, { name: 'authenticate' });
