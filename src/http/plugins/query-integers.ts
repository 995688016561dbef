/**
 * A query string is all text; the parameters a route declares as integers (`limit`, `before`) reach the schema as
 * numbers only when they are written as plain decimal integers (`0`, or a digit 1–9 and at most 15 more digits).
 * Anything else (`Infinity`, `1e2`, `0x10`, `+5`, `5.0`, ` 5`) stays text, which the integer schema refuses with
 * `400 VALIDATION_FAILED` naming the parameter. Bodies are JSON and are never converted.
 *
 * Threat addressed: a lenient coercion (Ajv's `coerceTypes` turns `"Infinity"` into a number its range checks do
 * not catch) letting a value past a published bound or a quota charged on it; a value a proxy or WAF reads
 * differently from the server.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { hooksOf } from '../route-hooks.js';

const DECIMAL_INTEGER = /^(?:0|[1-9][0-9]{0,15})$/;

function integerParameters(route: RouteOptions): string[] {
  const querystring = (route.schema as { querystring?: { properties?: Record<string, { type?: unknown }> } })
    ?.querystring;
  return Object.entries(querystring?.properties ?? {})
    .filter(([, schema]) => schema.type === 'integer')
    .map(([name]) => name);
}

async function queryIntegers(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    const names = integerParameters(route);
    if (names.length === 0) return;
    const convert = async (request: { query: unknown }) => {
      const query = request.query as Record<string, unknown>;
      for (const name of names) {
        const value = query[name];
        if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) query[name] = Number(value);
      }
    };
    route.preValidation = [convert, ...hooksOf(route.preValidation)];
  });
}

export default fp(queryIntegers, { name: 'query-integers' });
