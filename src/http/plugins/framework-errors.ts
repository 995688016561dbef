/**
 * Answers the errors Fastify raises before routing: a malformed percent-escape in the path (FST_ERR_BAD_URL), a
 * path parameter longer than `maxParamLength` (FST_ERR_MAX_PARAM_LENGTH: the limit is the URL limit, see
 * url-guard.ts, so only a URL over 8 KB gets here, answered 414 like any such URL; a shorter parameter that is too
 * long for its route is refused by the route's schema, 400 naming it) and a failing async route constraint.
 * Fastify runs no hook for these, so without this handler they would skip the transport guard, the URL guard and
 * the security headers, and Fastify's own answer quotes the raw path (`GET /v1/users/<jwt>` echoed the token).
 * Invariants:
 * - the hooks' checks run first, in the hooks' order: behind a proxy, a request forwarded as plain http gets 426
 *   HTTPS_REQUIRED and its credentials are revoked (transport-guard.ts); a URL holding a secret gets
 *   SENSITIVE_DATA_IN_URL (url-guard.ts); only then does the error's own code answer;
 * - the answer has the public error shape (`sendError`), the security headers and the request id, and never holds
 *   the URL; the Fastify error, whose message quotes the path, is never logged, only its code.
 * Not addressed: the request Fastify builds here ignores `trustProxy`, so `X-Forwarded-Proto` is believed from any
 * sender (failing closed, see `isForwardedAsPlainHttp`) and the client address recorded is the peer's.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ExposedCredentialRevoker } from '../../auth/index.js';
import { AppError, type ErrorCode, PUBLIC_SERVER_ERRORS } from '../../errors.js';
import { sendError } from './error-handler.js';
import { applySecurityHeaders } from './security-headers.js';
import { isForwardedAsPlainHttp, refuseClearTextRequest } from './transport-guard.js';
import { checkUrl } from './url-guard.js';

const BY_FASTIFY_CODE: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_BAD_URL: 'MALFORMED_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URL_TOO_LONG',
};

export type FrameworkErrorHandler = (
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) => void;

/** Builds Fastify's `frameworkErrors` option; `isBehindProxy` is whether `trustProxy` is set. */
export function createFrameworkErrorHandler(deps: {
  revoker: Pick<ExposedCredentialRevoker, 'revoke'>;
  isBehindProxy: boolean;
  corsOrigin: string;
}): FrameworkErrorHandler {
  async function decide(
    error: FastifyError,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<AppError> {
    const url = request.raw.url ?? '/';
    if (deps.isBehindProxy && isForwardedAsPlainHttp(request.headers)) {
      const refusal = await refuseClearTextRequest(
        { headers: request.headers, url, ip: request.ip, id: request.id },
        deps.revoker,
      );
      reply.header('connection', 'close');
      return refusal;
    }
    const refusal = checkUrl(url);
    if (refusal !== null) return refusal;
    const code = BY_FASTIFY_CODE[error.code];
    return new AppError(code ?? 'INTERNAL_ERROR');
  }

  return (error, request, reply) => {
    void decide(error, request, reply)
      .catch((err: unknown) => new AppError('INTERNAL_ERROR', { cause: err }))
      .then((refusal) => {
        if (refusal.status >= 500 && !PUBLIC_SERVER_ERRORS.has(refusal.code)) {
          const cause = refusal.cause === undefined ? {} : { err: refusal.cause };
          request.log.error({ ...cause, fastifyCode: error.code }, 'request failed before routing');
        } else {
          request.log.info({ code: refusal.code, field: refusal.field }, 'request refused');
        }
        applySecurityHeaders(reply, request.id, deps.corsOrigin);
        sendError(request, reply, refusal);
      });
  };
}
