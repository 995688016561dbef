/**
 * Reads the purpose of an access from the `X-Access-Purpose` header into `request.purpose`, for routes to pass to
 * the authorizer (`purposeContext(request)`).
 *
 * Runs after authentication (preValidation), and only for authenticated requests, so anonymous callers learn
 * nothing about the configured purposes. Invariants: one header value only; its shape is `[a-z][a-z0-9_]{0,63}`
 * (VALIDATION_FAILED otherwise); it must be one of the purposes of the policy in force (PURPOSE_UNKNOWN, 400
 * otherwise) — so an unknown purpose is refused even by a route that does not consult the policy; the value is
 * never echoed in an error.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import type { DecideContext } from '../../policy/index.js';
import { PURPOSE_HEADER } from '../field-location.js';

const FIELD = `headers.${PURPOSE_HEADER}`;
const PURPOSE = /^[a-z][a-z0-9_]{0,63}$/;

/** The purpose header's value, checked for shape; undefined when absent. */
export function parsePurposeHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !PURPOSE.test(value)) {
    throw new AppError('VALIDATION_FAILED', {
      field: FIELD,
      message: `${FIELD} must be one purpose matching [a-z][a-z0-9_]{0,63}`,
    });
  }
  return value;
}

/** The decision context (stated purpose) of a request. */
export function purposeContext(request: FastifyRequest): DecideContext {
  return request.purpose === null ? {} : { purpose: request.purpose };
}

/**
 * Sets `request.purpose` from the header of an authenticated request (idempotent: the authorize step may read it
 * earlier, before the body, and this hook again before validation). Throws on a malformed or unknown purpose.
 */
export function readPurpose(request: FastifyRequest, purposes: () => ReadonlySet<string>): void {
  if (request.actor === null) return;
  const purpose = parsePurposeHeader(request.headers[PURPOSE_HEADER]);
  if (purpose === undefined) return;
  if (!purposes().has(purpose)) throw new AppError('PURPOSE_UNKNOWN', { field: FIELD });
  request.purpose = purpose;
}

async function accessPurposePlugin(
  app: FastifyInstance,
  options: { purposes: () => ReadonlySet<string> },
): Promise<void> {
  app.decorateRequest('purpose', null);
  // Callback-style (not async): a hook that answers at once costs no promise on every request. What it throws,
  // Fastify's hook runner answers as the request's error.
  app.addHook('preValidation', (request, _reply, done) => {
    readPurpose(request, options.purposes);
    done();
  });
}

export default fp(accessPurposePlugin, { name: 'access-purpose', dependencies: ['authenticate'] });
