/**
 * Wires authentication and authorization into every route from its declared `config.access` and
 * `config.authorize`: the one place where a route's caller is checked.
 * Deny by default: registering a route without an access declaration throws at start-up, so no route can be
 * reachable by accident. `public` routes skip authentication; every other level authenticates from headers first
 * (`onRequest`, before the body is parsed) and then checks the level (`session` refuses API keys). A route that
 * acts on something names the policy action and resource it needs; the policy in force decides, with the purpose
 * the caller stated, and no role name appears here or on any route. A resource known from the route alone is
 * decided before the body is read; one named by the validated request is decided before the handler runs.
 * A session whose password an administrator reset (`mustChangePassword`) reaches only the routes that declare
 * `config.pendingPasswordChange: 'allowed'` (change the password, read /v1/me, log out); any other answers 403
 * PASSWORD_CHANGE_REQUIRED, so a one-time password handed over a side channel cannot be used as a credential.
 * Quotas (`quota`, see quota-gate.ts) count the request right after authentication, before any authorization: a
 * failed authentication in the client address's bucket, which may answer 429 instead of 401.
 */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, Authenticator } from '../../auth/index.js';
import { AppError, isAppError } from '../../errors.js';
import type { Authorizer } from '../../services/index.js';
import { hooksOf } from '../route-hooks.js';
import type { Access, RouteAuthorization } from '../types.js';
import { purposeContext, readPurpose } from './access-purpose.js';

// Routes added by @fastify/swagger-ui are static documentation assets.
const DOCS_PREFIX = '/docs';
const ACCESS_LEVELS: ReadonlySet<string> = new Set<Access>(['public', 'authenticated', 'session']);

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The authenticated actor of a non-public route (set by the hook before any handler runs). */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) throw new AppError('AUTHENTICATION_REQUIRED');
  return request.actor;
}

async function authenticatePlugin(
  app: FastifyInstance,
  options: {
    /** `authenticateNow` (optional) decides from memory without a promise; `authenticate` is the fallback. */
    authenticator: Pick<Authenticator, 'authenticate'> & Partial<Pick<Authenticator, 'authenticateNow'>>;
    authorizer: Pick<Authorizer, 'authorize' | 'purposes'>;
    quota?: { afterAuthentication(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined };
  },
): Promise<void> {
  app.decorateRequest('actor', null);

  const authorize = (request: FastifyRequest, rule: RouteAuthorization): void => {
    readPurpose(request, options.authorizer.purposes);
    const path = typeof rule.resource === 'string' ? rule.resource : rule.resource(request);
    options.authorizer.authorize(
      actorOf(request),
      rule.action,
      { path, sensitive: false },
      purposeContext(request),
    );
  };

  /** A failed authentication is counted in the address's bucket first (a 429 may answer instead of the 401). */
  const refused = async (request: FastifyRequest, reply: FastifyReply, error: unknown): Promise<never> => {
    if (isAppError(error) && error.status === 401) await options.quota?.afterAuthentication(request, reply);
    throw error;
  };

  const authenticateFor = (
    access: Access,
    rule: RouteAuthorization | undefined,
    pending: boolean,
  ): onRequestHookHandler => {
    const admitted = (request: FastifyRequest, actor: Actor): void => {
      // After an administrator's reset, the one-time password buys the right to replace it and nothing else.
      if (actor.mustChangePassword && !pending) throw new AppError('PASSWORD_CHANGE_REQUIRED');
      if (access === 'session' && actor.kind !== 'session') throw new AppError('FORBIDDEN');
      if (rule !== undefined && typeof rule.resource === 'string') authorize(request, rule);
    };
    const admit = (request: FastifyRequest, reply: FastifyReply, actor: Actor): Promise<void> | undefined => {
      request.actor = actor;
      const counted = options.quota?.afterAuthentication(request, reply);
      if (counted === undefined) return void admitted(request, actor);
      return counted.then(() => admitted(request, actor));
    };
    // Callback-style: a caller this node's memory knows (authenticateNow) costs no promise until the quota.
    return (request, reply, done) => {
      const headers = request.headers;
      const credentials = {
        authorization: firstHeader(headers.authorization),
        apiKey: firstHeader(headers['x-api-key']),
      };
      let known: Actor | undefined;
      try {
        known = options.authenticator.authenticateNow?.(credentials);
      } catch (error) {
        refused(request, reply, error).catch(done);
        return;
      }
      const settled =
        known !== undefined
          ? admit(request, reply, known)
          : options.authenticator.authenticate(credentials).then(
              (actor) => admit(request, reply, actor),
              (error: unknown) => refused(request, reply, error),
            );
      if (settled === undefined) done();
      else settled.then(() => done(), done);
    };
  };

  const authorizeFor =
    (rule: RouteAuthorization): preHandlerHookHandler =>
    async (request) => {
      authorize(request, rule);
    };

  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access ?? (route.url.startsWith(DOCS_PREFIX) ? 'public' : undefined);
    // Programming errors: the app refuses to start (ROUTE_CONFIG_INVALID, field: the route option to fix).
    const invalid = (field: string, problem: string) =>
      new AppError('ROUTE_CONFIG_INVALID', {
        field,
        message: `route ${route.method} ${route.url} ${problem}`,
      });
    if (access === undefined) throw invalid('config.access', 'declares no access level');
    if (!ACCESS_LEVELS.has(access)) throw invalid('config.access', 'declares an unknown access level');
    const rule = route.config?.authorize;
    if (access === 'public') {
      if (rule !== undefined) throw invalid('config.authorize', 'is public but authorizes');
      return;
    }
    const pending = route.config?.pendingPasswordChange === 'allowed';
    route.onRequest = [authenticateFor(access, rule, pending), ...hooksOf(route.onRequest)];
    if (rule !== undefined && typeof rule.resource === 'function') {
      route.preHandler = [authorizeFor(rule), ...hooksOf(route.preHandler)];
    }
  });
}

export default fp(authenticatePlugin, { name: 'authenticate' });
