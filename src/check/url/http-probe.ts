/**
 * HTTP requests of `check url`: one request, no redirect followed (Node's client never follows them), the body
 * discarded unread, and a timeout. Invariants: requests go only to the target's host; a request carrying a
 * credential is sent only with the chain and host name verified (`verify`), so the check never hands a credential
 * to a server it could not authenticate; nothing here is sent over plain HTTP but credential-free requests.
 */
import http from 'node:http';
import https from 'node:https';
import { serverName, type Target } from './tls-probe.js';

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
}

export interface HttpsRequest {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Verify chain and host name (required whenever `headers` carries a credential). */
  readonly verify: boolean;
}

function answered(request: http.ClientRequest, timeoutMs: number): Promise<Answer | null> {
  return new Promise((resolve) => {
    request.setTimeout(timeoutMs, () => request.destroy());
    request.once('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
      response.once('end', () => request.destroy());
    });
    request.once('error', () => resolve(null));
    request.end();
  });
}

/** A GET over HTTPS; null when no answer came (refused, reset, timeout, or verification failed). */
export function httpsGet(target: Target, options: HttpsRequest): Promise<Answer | null> {
  const name = serverName(target.host);
  return answered(
    https.request({
      host: target.host,
      port: target.port,
      path: options.path,
      method: 'GET',
      agent: false,
      headers: { accept: 'application/json', ...options.headers },
      ...(name === undefined ? {} : { servername: name }),
      ...(target.ca === undefined ? {} : { ca: target.ca }),
      rejectUnauthorized: options.verify,
      ...(options.verify ? {} : { checkServerIdentity: () => undefined }),
    }),
    target.timeoutMs,
  );
}

/** A credential-free GET over plain HTTP to `port` of the same host; null when the port refuses or stays silent. */
export function httpGet(host: string, port: number, path: string, timeoutMs: number): Promise<Answer | null> {
  return answered(
    http.request({ host, port, path, method: 'GET', agent: false, headers: { accept: 'application/json' } }),
    timeoutMs,
  );
}
