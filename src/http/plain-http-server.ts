/**
 * The optional plain-HTTP port. It serves nothing: every request gets 426 HTTPS_REQUIRED without its body being
 * read, and any credential it carried (Authorization, X-API-Key, a token in the URL) is revoked first, because it
 * just crossed the network in clear text. The URL is never logged.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { ExposedCredentialRevoker } from '../auth/index.js';
import { ERRORS } from '../errors.js';
import type { Logger } from '../log.js';
import { collectExposedCredentials } from './exposed-credentials.js';

export function createPlainHttpServer(deps: {
  revoker: ExposedCredentialRevoker;
  logger: Logger;
}): http.Server {
  return http.createServer((request, response) => {
    const requestId = randomUUID();
    const credentials = collectExposedCredentials(request.headers, request.url ?? '/');
    const address = request.socket.remoteAddress ?? 'unknown';
    const revoking =
      credentials.length > 0 ? deps.revoker.revoke(credentials, address, requestId) : Promise.resolve(0);
    revoking
      .catch((err: unknown) => {
        deps.logger.error({ err, requestId }, 'revoking a credential seen over plain HTTP failed');
        return 0;
      })
      .then((revoked) => {
        if (revoked > 0)
          deps.logger.warn({ requestId, revoked }, 'credential received over plain HTTP was revoked');
        const body = JSON.stringify({
          error: { code: 'HTTPS_REQUIRED', message: ERRORS.HTTPS_REQUIRED.message, request_id: requestId },
        });
        response.writeHead(426, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
          upgrade: 'TLS/1.3, HTTP/1.1',
          'cache-control': 'no-store',
          'x-request-id': requestId,
        });
        response.end(body);
      });
  });
}
