/**
 * HTTPS requests to Strongroom (the JWKS and the introspection endpoint) over one keep-alive `https.Agent`.
 *
 * Invariants: only `https:` URLs are requested; when `ca` is given it replaces Node's trust store for these
 * connections (the CA is pinned: a certificate from any other CA, public or not, is refused); redirects are never
 * followed; an answer is read up to `MAX_RESPONSE_BYTES` and the request is abandoned after `timeoutMs`.
 * Why not `fetch`: Node's built-in fetch takes no CA without undici's Agent, which is not importable as a Node
 * built-in on Node 20; jose accepts any fetch-shaped function (`customFetch`), and this is one.
 * Threats addressed: a network attacker serving its own keys or introspection answers (TLS, pinned CA), a hostile
 * or broken server stalling the application (timeout, size bound). Not addressed: a compromised Strongroom server.
 */
import https from 'node:https';

const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpsAnswer {
  readonly status: number;
  readonly body: string;
}

export interface HttpsRequestInit {
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface HttpsClient {
  request(url: URL, init: HttpsRequestInit): Promise<HttpsAnswer>;
  /** A fetch-shaped function for jose's `customFetch`. */
  fetch(url: string, init: { headers: Headers; method: 'GET'; signal: AbortSignal }): Promise<Response>;
  close(): void;
}

export function createHttpsClient(options: {
  ca?: string | Buffer | readonly (string | Buffer)[];
  timeoutMs: number;
}) {
  const agent = new https.Agent({
    keepAlive: true,
    minVersion: 'TLSv1.2',
    ...(options.ca === undefined ? {} : { ca: options.ca as string | Buffer | Array<string | Buffer> }),
  });

  function request(url: URL, init: HttpsRequestInit): Promise<HttpsAnswer> {
    if (url.protocol !== 'https:') return Promise.reject(new Error('only https: URLs are requested'));
    return new Promise((resolve, reject) => {
      const outgoing = https.request(
        url,
        {
          method: init.method,
          agent,
          headers: init.headers,
          timeout: options.timeoutMs,
          ...(init.signal === undefined ? {} : { signal: init.signal }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let length = 0;
          response.on('data', (chunk: Buffer) => {
            length += chunk.length;
            if (length > MAX_RESPONSE_BYTES) {
              response.destroy(new Error('answer too large'));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error('request timed out')));
      outgoing.on('error', reject);
      outgoing.end(init.body);
    });
  }

  return {
    request,
    async fetch(url, init) {
      const headers: Record<string, string> = {};
      init.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const answer = await request(new URL(url), { method: 'GET', headers, signal: init.signal });
      return new Response(answer.body, { status: answer.status });
    },
    close() {
      agent.destroy();
    },
  } satisfies HttpsClient;
}
