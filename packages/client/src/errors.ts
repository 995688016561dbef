/**
 * Strongroom's error shape as one typed exception. The server answers every error as
 * `{"error": {"code", "message", "field"?, "request_id"}}` and never echoes a value in it; this class keeps those
 * four facts and nothing else (no request, no headers, no body), so an error that is logged or serialized cannot
 * carry a credential.
 */
import type { components } from './schema.js';

/** Every code the server can send: the union the generated OpenAPI types declare. */
export type ErrorCode = components['schemas']['ErrorResponse']['error']['code'];

/**
 * Codes the client itself raises, never sent by the server: `UNEXPECTED_RESPONSE` for an answer that is not in
 * Strongroom's error shape (a proxy's HTML page, say), `NOT_LOGGED_IN` for `refresh()`/`logout()` without a session,
 * `REQUEST_TIMEOUT` for a call that did not complete within its `timeoutMs` (timeout.ts).
 */
export type ClientErrorCode = 'UNEXPECTED_RESPONSE' | 'NOT_LOGGED_IN' | 'REQUEST_TIMEOUT';

export type StrongroomErrorCode = ErrorCode | ClientErrorCode;

type ErrorBody = components['schemas']['ErrorResponse'];

export class StrongroomError extends Error {
  override readonly name = 'StrongroomError';
  readonly code: StrongroomErrorCode;
  /** HTTP status of the answer; 0 for the client's own codes. */
  readonly status: number;
  /** The offending part of the request (`body.password`, `query.limit`), never its value. */
  readonly field: string | undefined;
  /** The server's request id, to find the request in its log and audit trail. */
  readonly requestId: string | undefined;

  constructor(details: {
    code: StrongroomErrorCode;
    status: number;
    message: string;
    field?: string | undefined;
    requestId?: string | undefined;
  }) {
    super(`${details.code}: ${details.message}`);
    this.code = details.code;
    this.status = details.status;
    this.field = details.field;
    this.requestId = details.requestId;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** The StrongroomError for an error answer (`error` as openapi-fetch parsed it). */
export function toStrongroomError(error: unknown, response: Pick<Response, 'status'>): StrongroomError {
  if (!isErrorBody(error)) {
    // Not Strongroom's shape: say so without quoting the body, which a stranger wrote.
    return new StrongroomError({
      code: 'UNEXPECTED_RESPONSE',
      status: response.status,
      message: `The server answered ${response.status} without a Strongroom error`,
    });
  }
  return new StrongroomError({
    code: error.error.code,
    status: response.status,
    message: error.error.message,
    field: error.error.field,
    requestId: error.error.request_id,
  });
}

type Result<Data> =
  | { data: Data; error?: never; response: Response }
  | { data?: never; error: unknown; response: Response };

/** Returns the data of a call's result, or throws its StrongroomError: `unwrap(await client.GET('/v1/me'))`. */
export function unwrap<Data>(result: Result<Data>): Data {
  if (result.error !== undefined || !result.response.ok)
    throw toStrongroomError(result.error, result.response);
  return result.data as Data;
}
