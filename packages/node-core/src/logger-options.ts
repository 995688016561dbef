/**
 * Logger options (pino's, for Fastify's `logger` or pino-http) under which nothing sensitive survives, as in the
 * server's own logger (src/log.ts), with the same redactor from @strongroom/redact:
 * - key level: `REDACT_PATHS` (credential headers, password/token/secret body fields) are censored by pino, and
 *   every field whose name is sensitive, at any depth, loses its value (`redactValue`);
 * - value level: every string of every logged object and the message itself is scrubbed of secret-shaped values
 *   (JWTs, Strongroom keys, card numbers, SSNs, emails, private keys), an error's own message included;
 * - requests are logged as id, method, sanitized URL (`sanitizeUrl`), redacted headers and peer address; errors
 *   as type, message, stack and code, scrubbed.
 * Not addressed: what an application writes to other sinks, or secrets with no recognisable shape under an
 * innocuous name.
 */
import { redactLogArguments, redactValue, sanitizeUrl } from '@strongroom/redact';

/** pino redact paths; `*.x` is one level deep, which covers `req.body.password` written as `body.password`. */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.access_token',
  '*.refresh_token',
  'password',
  'token',
  'secret',
]);

// Keys the serializers below shape; the log formatter leaves them to those.
const SERIALIZED_KEYS = new Set(['req', 'res', 'err', 'error']);

interface RequestFields {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  originalUrl?: unknown;
  headers?: unknown;
  ip?: unknown;
  remoteAddress?: unknown;
  socket?: { remoteAddress?: unknown };
}

export interface SerializedRequest {
  method?: string;
  url?: string;
  remoteAddress?: string;
  [key: string]: unknown;
}

export interface SerializedError {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function serializeRequest(req: RequestFields): SerializedRequest {
  const url = textOf(req.originalUrl) ?? textOf(req.url);
  const remoteAddress = textOf(req.ip) ?? textOf(req.remoteAddress) ?? textOf(req.socket?.remoteAddress);
  const method = textOf(req.method);
  return {
    ...(req.id === undefined ? {} : { id: redactValue(req.id) }),
    ...(method === undefined ? {} : { method }),
    ...(url === undefined ? {} : { url: sanitizeUrl(url) }),
    ...(typeof req.headers === 'object' && req.headers !== null ? { headers: redactValue(req.headers) } : {}),
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  };
}

function serializeResponse(res: { statusCode?: unknown }): { statusCode?: number } {
  return typeof res.statusCode === 'number' ? { statusCode: res.statusCode } : {};
}

function serializeError(error: unknown): SerializedError {
  const redacted = redactValue(error);
  if (typeof redacted === 'object' && redacted !== null && 'message' in redacted) {
    const fields = redacted as Record<string, unknown>;
    return {
      ...fields,
      type: textOf(fields.type) ?? 'Error',
      message: String(fields.message),
      stack: textOf(fields.stack) ?? '',
    };
  }
  return {
    type: typeof error,
    message: typeof redacted === 'string' ? redacted : String(redacted),
    stack: '',
  };
}

export interface StrongroomLoggerOptions {
  level: string;
  redact: { paths: string[]; censor: string };
  serializers: {
    req: (req: RequestFields) => SerializedRequest;
    res: (res: { statusCode?: unknown }) => { statusCode?: number };
    err: (error: unknown) => SerializedError;
    error: (error: unknown) => SerializedError;
  };
  formatters: { log(object: Record<string, unknown>): Record<string, unknown> };
  hooks: {
    logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void, level: number): void;
  };
}

/** Logger options for pino, Fastify's `logger` or pino-http; `level` defaults to `info`. */
export function createLoggerOptions(
  options: { level?: string; redactPaths?: readonly string[] } = {},
): StrongroomLoggerOptions {
  return {
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS, ...(options.redactPaths ?? [])], censor: '[REDACTED]' },
    serializers: {
      req: serializeRequest,
      res: serializeResponse,
      err: serializeError,
      error: serializeError,
    },
    formatters: {
      // Runs before the serializers: request, answer and error objects are left to them (copying a whole request
      // object here would be slow, and would hand its serializer a copy instead of the request).
      log(object) {
        const rest: Record<string, unknown> = {};
        const serialized: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(object)) {
          if (SERIALIZED_KEYS.has(key)) serialized[key] = value;
          else rest[key] = value;
        }
        return { ...(redactValue(rest) as Record<string, unknown>), ...serialized };
      },
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = redactLogArguments(args);
        method.apply(this, scrubbed);
      },
    },
  };
}
