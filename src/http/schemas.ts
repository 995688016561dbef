/** Shared JSON schemas. Response schemas are allow-lists: a property not listed never leaves the server. */
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
        code: { type: 'string', description: 'Stable error code (see the error table in the README)' },
        message: { type: 'string' },
        field: { type: 'string', description: 'Path of the offending field; its value is never echoed' },
        request_id: { type: 'string' },
      },
    },
  },
} as const;

const errorRef = { $ref: 'ErrorResponse#' } as const;

/** Adds the error responses every route can produce to a route's success responses. */
export function responses<T extends Record<number, unknown>>(success: T) {
  return { ...success, '4xx': errorRef, '5xx': errorRef };
}

export const uuidParam = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
  },
} as const;

export const timestamp = { type: 'string', format: 'date-time' } as const;

/** Milliseconds since the epoch → RFC 3339, or null. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
