/**
 * The answers the middleware refuses a request with, in Strongroom's own shape
 * (`{ "error": { "code", "message", "field"?, "request_id" } }`), with the server's codes, statuses and messages
 * (test/packages/error-codes.test.ts keeps them equal). No message ever holds a value from the request.
 */

export const ERRORS = {
  SENSITIVE_DATA_IN_URL: {
    status: 400,
    message: 'Sensitive data must not be sent in the URL; send it in the body or a header',
  },
  AUTHENTICATION_REQUIRED: { status: 401, message: 'Authentication is required' },
  INVALID_TOKEN: { status: 401, message: 'The credentials are invalid, expired or revoked' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this' },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    message: 'An administrator reset your password: change it (PUT /v1/me/password) before anything else',
  },
  URL_TOO_LONG: { status: 414, message: 'The request URL is too long' },
  HTTPS_REQUIRED: { status: 426, message: 'This API is served over HTTPS only' },
  DEPENDENCY_UNAVAILABLE: {
    status: 503,
    message: 'A service this request needs is unavailable, so it was not served; retry later',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Why a request is refused: what an adapter answers with. */
export interface Refusal {
  readonly status: number;
  readonly code: ErrorCode;
  /** Where the offending data was (`query:access_token`, `path:2`, `cookie`), never its value. */
  readonly field?: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; request_id: string };
}

/** The refusal for `code`, with the headers its status calls for. */
export function refusal(code: ErrorCode, extra: { field?: string } = {}): Refusal {
  const { status } = ERRORS[code];
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (code === 'AUTHENTICATION_REQUIRED') headers['www-authenticate'] = 'Bearer realm="strongroom"';
  if (code === 'INVALID_TOKEN')
    headers['www-authenticate'] = 'Bearer realm="strongroom", error="invalid_token"';
  if (code === 'FORBIDDEN')
    headers['www-authenticate'] = 'Bearer realm="strongroom", error="insufficient_scope"';
  if (code === 'HTTPS_REQUIRED') {
    headers.upgrade = 'TLS/1.2, HTTP/1.1';
    headers.connection = 'close';
  }
  if (code === 'DEPENDENCY_UNAVAILABLE') headers['retry-after'] = '1';
  return Object.freeze({
    status,
    code,
    ...(extra.field === undefined ? {} : { field: extra.field }),
    headers: Object.freeze(headers),
  });
}

/** The JSON body of a refusal. */
export function errorBody(refused: Refusal, requestId: string): ErrorBody {
  return {
    error: {
      code: refused.code,
      message: ERRORS[refused.code].message,
      ...(refused.field === undefined ? {} : { field: refused.field }),
      request_id: requestId,
    },
  };
}

/** Invalid middleware options: thrown once, when the middleware is created, never while serving. */
export class StrongroomOptionsError extends Error {
  override readonly name = 'StrongroomOptionsError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}
