/**
 * Deprecated routes keep working until their sunset and say so, on every answer and in the API description, so
 * clients (and the generators that build them) can move before the route goes. A route opts in with
 * `config.deprecation` and `deprecated: true` in its schema; `declareDeprecations(app)`, called by the route plugin
 * before it adds routes (so it runs after route-docs has completed the responses), then:
 * - sends `Deprecation` (RFC 9745, a structured-field date `@<unix seconds>`), `Sunset` (RFC 8594, an HTTP date)
 *   and `Link: <successor>; rel="successor-version"` (RFC 5829) on every answer, errors included (an `onSend`
 *   hook, which error replies pass through as well);
 * - declares those headers on every response of the operation and opens its description with the notice.
 * A route with `config.deprecation` whose schema does not say `deprecated: true` cannot be registered
 * (ROUTE_CONFIG_INVALID): the document and the headers must not disagree.
 */
import type { FastifyInstance, onSendHookHandler, RouteOptions } from 'fastify';
import { AppError } from '../errors.js';

export interface Deprecation {
  /** The route that replaces this one. */
  successor: { method: string; path: string };
  /** When the route was deprecated (ms since the epoch). */
  since: number;
  /** When it stops being served (ms since the epoch). */
  sunset: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is being replaced (see http/deprecation.ts). */
    deprecation?: Deprecation;
  }
}

/**
 * The routes that carried a token or a subject id in their path (issue 15) were deprecated on 2026-12-03, when
 * their body-carrying successors shipped, and are served for six more months: until 2027-06-03.
 */
export const PATH_VALUE_DEPRECATED_SINCE = Date.UTC(2026, 11, 3);
export const PATH_VALUE_SUNSET = Date.UTC(2027, 5, 3);

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The headers every answer of a route deprecated as `deprecation` carries. */
export function deprecationHeaders(deprecation: Deprecation): {
  deprecation: string;
  sunset: string;
  link: string;
} {
  return {
    deprecation: `@${Math.floor(deprecation.since / 1000)}`,
    sunset: new Date(deprecation.sunset).toUTCString(),
    link: `<${deprecation.successor.path}>; rel="successor-version"`,
  };
}

function headerDocs(deprecation: Deprecation, values: ReturnType<typeof deprecationHeaders>) {
  return {
    Deprecation: {
      type: 'string',
      enum: [values.deprecation],
      description: `RFC 9745: deprecated since ${day(deprecation.since)}`,
    },
    Sunset: {
      type: 'string',
      enum: [values.sunset],
      description: 'RFC 8594: not served after this date',
    },
    Link: {
      type: 'string',
      enum: [values.link],
      description: 'RFC 8288: the successor of this operation',
    },
  };
}

function notice(deprecation: Deprecation): string {
  const { method, path } = deprecation.successor;
  return (
    `**Deprecated** since ${day(deprecation.since)}: use \`${method} ${path}\`. Served until its sunset, ` +
    `${day(deprecation.sunset)}; the first release after that date removes it. Every answer carries ` +
    '`Deprecation`, `Sunset` and a `Link` to the successor.'
  );
}

function asList<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

function declare(route: RouteOptions): void {
  const deprecation = route.config?.deprecation;
  if (deprecation === undefined) return;
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  if (schema.deprecated !== true) {
    throw new AppError('ROUTE_CONFIG_INVALID', {
      field: 'schema.deprecated',
      message: `route ${route.method} ${route.url} is deprecated in its config but not in its schema`,
    });
  }
  const values = deprecationHeaders(deprecation);
  const headers = headerDocs(deprecation, values);
  const responses = (schema.response ?? {}) as Record<string, Record<string, unknown>>;
  for (const [status, response] of Object.entries(responses)) {
    responses[status] = { ...response, headers: { ...(response.headers as object | undefined), ...headers } };
  }
  schema.response = responses;
  schema.description = [notice(deprecation), schema.description].filter(Boolean).join('\n\n');
  const announce: onSendHookHandler = async (_request, reply, payload) => {
    reply.header('deprecation', values.deprecation);
    reply.header('sunset', values.sunset);
    reply.header('link', values.link);
    return payload;
  };
  route.onSend = [...asList(route.onSend), announce];
}

/** Makes the deprecated routes registered after this call (in this plugin) announce and document it. */
export function declareDeprecations(app: FastifyInstance): void {
  app.addHook('onRoute', declare);
}
