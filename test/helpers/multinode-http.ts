/**
 * HTTPS calls to one node of a test cluster (multinode.ts), trusting only the cluster's CA, over kept-alive
 * connections. Answers are returned as they come (no retry: a 503 is something the tests look at).
 */
import https from 'node:https';

export interface NodeAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON answers field by field
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** When the request was sent (Date.now()). */
  sentAt: number;
}

export type Credentials = Record<string, string>;

const REQUEST_TIMEOUT_MS = 30_000;

export function createNodeClient(baseUrl: string, ca: Buffer) {
  const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 64 });
  function request(
    method: string,
    path: string,
    options: { headers?: Credentials; body?: unknown } = {},
  ): Promise<NodeAnswer> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const sentAt = Date.now();
    return new Promise((resolve, reject) => {
      const req = https.request(
        new URL(path, baseUrl),
        {
          method,
          agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            ...options.headers,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text === '' ? null : JSON.parse(text);
            } catch {
              // not JSON (e.g. a 204): kept as text
            }
            resolve({ status: res.statusCode ?? 0, body, headers: res.headers, sentAt });
          });
          res.on('error', reject);
        },
      );
      req.once('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.once('error', reject);
      req.end(payload);
    });
  }
  return {
    request,
    get: (path: string, headers?: Credentials) => request('GET', path, headers ? { headers } : {}),
    post: (path: string, body: unknown, headers?: Credentials) =>
      request('POST', path, { body, ...(headers ? { headers } : {}) }),
    close: () => agent.destroy(),
  };
}

export type NodeClient = ReturnType<typeof createNodeClient>;

/** A bearer header for an access token. */
export const bearer = (token: string): Credentials => ({ authorization: `Bearer ${token}` });
