/**
 * Answers the errors Node's HTTP parser raises before Fastify sees a request: headers over the size limit (431
 * HEADERS_TOO_LARGE), a request not received within `requestTimeout` (408 REQUEST_TIMEOUT) and anything that is
 * not valid HTTP (400 MALFORMED_REQUEST). Node's own answers carry no HSTS and no cache or sniffing rules.
 * Invariants: the answer is fixed bytes in the public error shape with a fresh request id, the security headers
 * and `Connection: close`, written only to a writable socket that has not started another response, and the
 * socket is destroyed afterwards (once the answer is flushed, or after a few seconds); nothing from the request is read back or echoed, and the parser's error (whose
 * `rawPacket` holds the request's bytes) is never logged, only its code.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError } from 'fastify';
import { ERRORS, type ErrorCode } from '../../errors.js';
import type { Logger } from '../../log.js';
import { CORS_ORIGIN_HEADER, SECURITY_HEADERS } from './security-headers.js';

const FLUSH_GRACE_MS = 5_000;

export type ClientErrorHandler = (error: ConnectionError, socket: Socket) => void;

function codeFor(error: { code?: string }): ErrorCode {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'HEADERS_TOO_LARGE';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'REQUEST_TIMEOUT';
    default:
      return 'MALFORMED_REQUEST';
  }
}

/** The whole HTTP/1.1 response for `code`: status line, headers and JSON body. */
export function formatClientErrorResponse(code: ErrorCode, requestId: string, corsOrigin: string): string {
  const { status, message } = ERRORS[code];
  const body = JSON.stringify({ error: { code, message, request_id: requestId } });
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...SECURITY_HEADERS,
    [CORS_ORIGIN_HEADER]: corsOrigin,
    'x-request-id': requestId,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${lines.join('')}\r\n${body}`;
}

/** Builds Fastify's `clientErrorHandler` option. */
export function createClientErrorHandler(deps: {
  logger: Pick<Logger, 'debug'>;
  corsOrigin: string;
}): ClientErrorHandler {
  return (error, socket) => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const code = codeFor(error);
    const requestId = randomUUID();
    deps.logger.debug({ code, parserCode: error.code, requestId }, 'client error');
    // As Node does: a second status line inside a response already under way would corrupt it.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    // `end`, then destroy once flushed: destroying a TLS socket right after `write` can drop the unsent bytes
    // (a timed-out request never got its 408). A peer that does not read is cut off after FLUSH_GRACE_MS.
    const cutOff = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS);
    cutOff.unref();
    socket.end(formatClientErrorResponse(code, requestId, deps.corsOrigin), () => {
      clearTimeout(cutOff);
      socket.destroy();
    });
  };
}
