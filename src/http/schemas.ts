/** Shared JSON schemas. Response schemas are allow-lists: a property not listed never leaves the server. */
import { ERRORS, type ErrorCode, PUBLIC_SERVER_ERRORS } from '../errors.js';
import { uuid } from './schema-bounds.js';

export { timestamp } from './schema-bounds.js';

/** The codes a client can receive: every 4xx, the public 5xx, and INTERNAL_ERROR for any other failure. */
export const CLIENT_ERROR_CODES: readonly ErrorCode[] = (Object.keys(ERRORS) as ErrorCode[]).filter(
  (code) => ERRORS[code].status < 500 || PUBLIC_SERVER_ERRORS.has(code) || code === 'INTERNAL_ERROR',
);

export const errorResponse = {
  $id: 'ErrorResponse',
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'request_id'],
      additionalProperties: false,
      properties: {
        code: {
          type: 'string',
          enum: CLIENT_ERROR_CODES,
          description: 'Stable error code (the error table in the API description lists each)',
        },
        message: { type: 'string', maxLength: 512, pattern: '^[^\\u0000-\\u001f]*$' },
        field: {
          type: 'string',
          maxLength: 512,
          pattern: '^[^\\u0000-\\u001f]*$',
          description:
            'Path of the offending field (`body.…`, `query.…`, `path.…`, `headers.…`); never its value',
        },
        request_id: uuid,
      },
    },
  },
} as const;

export const errorRef = { $ref: 'ErrorResponse#' } as const;

/**
 * A reference to a named schema (registered once on the root app by routes/index.ts): it appears under its name in
 * the document's `components.schemas`, so generated clients get a `User`, a `Record`, … type.
 */
export function ref(schema: { $id: string }) {
  return { $ref: `${schema.$id}#` } as const;
}

/**
 * A route's responses: its successes and the error statuses particular to it (404, 409, 410, 429, …). The errors
 * every route can give (400, 401/403 when authenticated, 413/415 with a body, 500, 503) are added by
 * route-docs.ts from what the route declares.
 */
export function responses<T extends Record<number, unknown>>(success: T, ...errors: number[]) {
  return { ...success, ...Object.fromEntries(errors.map((status) => [status, errorRef])) } as T &
    Record<number, typeof errorRef>;
}

export const uuidParam = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: uuid },
} as const;

/** Milliseconds since the epoch → RFC 3339, or null. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
