/**
 * Maps every error to the error table: `{error: {code, message, field?, request_id}}`.
 * Invariants: a response never echoes a submitted value (validation errors name the field only; JSON syntax errors,
 * whose text quotes the body, are replaced); a 5xx says "internal error" and the request id, nothing else; the
 * logged error passes through the redacting logger.
 */

import { redactString } from '@strongroom/redact';
import type {
  FastifyContextConfig,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import { AppError, ERRORS, type ErrorCode, PUBLIC_SERVER_ERRORS } from '../../errors.js';
import type { AuditAction } from '../../services/audit/index.js';
import { isDatabaseUnavailable } from '../../storage/index.js';
import { isSafeName, locateField, locateMessage } from '../field-location.js';

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const CONTEXT_NAMES: Record<string, string> = {
  querystring: 'query',
  params: 'path',
  headers: 'headers',
  body: 'body',
};

function describeValidation(error: FastifyError): { field: string; message: string } {
  const issue = error.validation?.[0] as ValidationIssue | undefined;
  const context = CONTEXT_NAMES[error.validationContext ?? 'body'] ?? 'body';
  if (issue === undefined) return { field: context, message: `${context} is not valid` };
  // Path segments can be client-chosen keys (record field names): only identifier-like ones are named. A header
  // schema's properties are header names the route declares (`if-match`), so they are named as they are.
  const segments = issue.instancePath.split('/').slice(1);
  const isNamed = (s: string) =>
    /^\d+$/.test(s) || isSafeName(s) || (context === 'headers' && /^[a-z][a-z0-9-]{0,63}$/.test(s));
  let field = [context, ...segments.map((s) => (isNamed(s) ? s : '(unknown)'))].join('.');
  let problem = issue.message ?? 'is not valid';
  if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
    field = `${field}.${issue.params.missingProperty}`;
    problem = 'is required';
  } else if (
    issue.keyword === 'additionalProperties' &&
    typeof issue.params.additionalProperty === 'string'
  ) {
    const name = issue.params.additionalProperty;
    field = isSafeName(name) ? `${field}.${name}` : `${field}.(unknown)`;
    problem = 'is not an allowed field';
  } else if (issue.keyword === 'pattern' || issue.keyword === 'format') {
    problem = 'is not in the expected format';
  }
  return { field, message: `${field} ${problem}` };
}

/**
 * The 503s made here from a raw database error. Services raise DEPENDENCY_UNAVAILABLE themselves only for Redis
 * (quotas, throttles), whose errors can carry the same system codes (ECONNREFUSED): so the origin is kept here.
 */
const DATABASE_FAILURES = new WeakSet<AppError>();

/** True for a DEPENDENCY_UNAVAILABLE this handler made from a database error. */
export function isDatabaseFailure(error: AppError): boolean {
  return DATABASE_FAILURES.has(error);
}

function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation !== undefined) {
    const { field, message } = describeValidation(error);
    return new AppError('VALIDATION_FAILED', { field, message });
  }
  const byFastifyCode: Record<string, ErrorCode> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
    FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  };
  const mapped = byFastifyCode[error.code];
  if (mapped !== undefined) return new AppError(mapped, { cause: error });
  if (error instanceof SyntaxError && error.statusCode === 400)
    return new AppError('INVALID_JSON', { cause: error });
  if (error.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE', { cause: error });
  if (error.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', { cause: error });
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', { cause: error });
  }
  // A database that cannot be reached or answers too late: retry later, not a bug (logged as a warning below).
  if (isDatabaseUnavailable(error)) {
    const unavailable = new AppError('DEPENDENCY_UNAVAILABLE', { cause: error, retryAfter: 1 });
    DATABASE_FAILURES.add(unavailable);
    return unavailable;
  }
  return new AppError('INTERNAL_ERROR', { cause: error });
}

/**
 * Sends an AppError in the one public error shape. Its message and field name client-chosen keys only by the
 * `isSafeName` rule or by position; the redactor runs over both anyway, so a secret-shaped key a builder let
 * through still never leaves.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
  const hidden = error.status >= 500 && !PUBLIC_SERVER_ERRORS.has(error.code);
  const located = error.field === undefined || hidden ? undefined : locateField(request, error.field);
  const field = located === undefined ? undefined : redactString(located);
  return reply.code(error.status).send({
    error: {
      code: hidden ? 'INTERNAL_ERROR' : error.code,
      message: hidden
        ? ERRORS.INTERNAL_ERROR.message
        : redactString(
            located === undefined || error.field === undefined
              ? error.message
              : locateMessage(error.message, error.field, located),
          ),
      ...(field === undefined ? {} : { field }),
      request_id: request.id,
    },
  });
}

/** Refusals that are audited on routes that declare an audit action: who was refused what, and why. */
const AUDITED_REFUSALS: ReadonlySet<string> = new Set([
  'FORBIDDEN',
  'PURPOSE_REQUIRED',
  'PURPOSE_UNKNOWN',
  'TOO_MANY_ATTEMPTS',
  'RATE_LIMITED',
]);

/** How an answer that was not served is audited, or null when it is not (a bad request, a failure). */
export type RefusalOutcome = 'denied' | 'rate_limited' | 'not_found' | 'failed';

/**
 * The audit outcome of `error` on an audited route. Both branches of an answer that hides existence are audited
 * (services/hidden-existence.ts): the miss as `not_found`, by the same write as the refusal, so they cost the same.
 */
export function refusalOutcome(error: AppError): RefusalOutcome | null {
  // A dependency that does not answer (Redis, a SIEM-side store) is audited as a failure, where the request would
  // have been. Not when the database is what failed: the trail lives there, so that write cannot happen either (and
  // would wait out another connect timeout); the 503 acknowledges nothing, and the request log line records it.
  if (error.code === 'DEPENDENCY_UNAVAILABLE') return isDatabaseFailure(error) ? null : 'failed';
  if (error.hides === 'missing') return 'not_found';
  if (error.hides === 'refused') return 'denied';
  if (!AUDITED_REFUSALS.has(error.code)) return null;
  return error.code === 'TOO_MANY_ATTEMPTS' || error.code === 'RATE_LIMITED' ? 'rate_limited' : 'denied';
}

/**
 * The action a refusal is audited under: the route's audit action; on routes whose service audits its own answers
 * (login, refresh), `auditUnavailable` for the 503s the service never got to see.
 */
export function auditActionOf(
  config: Pick<FastifyContextConfig, 'audit' | 'auditUnavailable'>,
  outcome: RefusalOutcome | null,
): AuditAction | undefined {
  return config.audit ?? (outcome === 'failed' ? config.auditUnavailable : undefined);
}

async function errorHandler(
  app: FastifyInstance,
  options: {
    onRefused?: (
      request: FastifyRequest,
      error: AppError,
      outcome: RefusalOutcome,
      action: AuditAction,
    ) => Promise<void>;
  },
): Promise<void> {
  app.decorateRequest('errorCode', null);
  app.setErrorHandler(async (raw: FastifyError, request, reply) => {
    const error = toAppError(raw);
    // Refusals are reported by the request's one log line (request-log.ts); failures also log their cause.
    request.errorCode = error.code;
    if (error.status >= 500 && !PUBLIC_SERVER_ERRORS.has(error.code)) {
      request.log.error({ err: error.cause ?? error, code: error.code }, 'request failed');
    } else if (error.code === 'DEPENDENCY_UNAVAILABLE' && error.cause !== undefined) {
      request.log.warn({ err: error.cause, code: error.code }, 'dependency unavailable');
    }
    const outcome = refusalOutcome(error);
    const action = auditActionOf(request.routeOptions.config, outcome);
    if (options.onRefused !== undefined && outcome !== null && action !== undefined) {
      // The refusal itself leaks nothing, so it is sent even if the trail cannot take its event (reported there).
      await options.onRefused(request, error, outcome, action).catch((err: unknown) => {
        request.log.error({ err }, 'refusal could not be audited');
      });
    }
    return sendError(request, reply, error);
  });
  app.setNotFoundHandler((request, reply) => {
    request.errorCode = 'NOT_FOUND';
    return sendError(request, reply, new AppError('NOT_FOUND'));
  });
}

export default fp(errorHandler, { name: 'error-handler' });
