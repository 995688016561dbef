/**
 * A small JSON client for the CLI's admin commands: HTTPS only, the server certificate verified (the local CA by
 * default, else the system trust store), the credential sent in the Authorization header only.
 * Invariants: the credential is never printed, never put in a URL, and never sent over plain HTTP.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { Config } from '../config.js';

export interface ApiReply {
  status: number;
  body: Record<string, unknown>;
}

export interface ApiClient {
  call(method: 'GET' | 'POST', route: string, body?: unknown): Promise<ApiReply>;
}

function defaultUrl(config: Readonly<Config>): string {
  const anyAddress = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  const host = anyAddress ? '127.0.0.1' : config.host;
  return `https://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** A client for `flags.url` (default: this data directory's server), verifying with `flags.ca` or the local CA. */
export function createApiClient(
  config: Readonly<Config>,
  flags: { url?: string; ca?: string },
  credential: string,
): ApiClient {
  const base = new URL(flags.url ?? defaultUrl(config));
  if (base.protocol !== 'https:')
    throw new Error('--url must be an https:// URL: credentials never travel in clear');
  const defaultCa = path.join(config.dataDir, 'tls', 'ca.pem');
  const caFile = flags.ca ?? (fs.existsSync(defaultCa) ? defaultCa : undefined);
  const ca = caFile === undefined ? undefined : fs.readFileSync(caFile);
  return {
    call(method, route, body) {
      const url = new URL(route, base);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const request = https.request(
          url,
          {
            method,
            ...(ca === undefined ? {} : { ca }),
            headers: {
              authorization: `Bearer ${credential}`,
              ...(payload === undefined
                ? {}
                : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            },
            timeout: 30_000,
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              text += chunk;
            });
            response.on('end', () => {
              try {
                resolve({
                  status: response.statusCode ?? 0,
                  body: JSON.parse(text) as Record<string, unknown>,
                });
              } catch {
                reject(new Error(`unexpected answer from ${url.origin} (HTTP ${response.statusCode})`));
              }
            });
          },
        );
        request.on('timeout', () => request.destroy(new Error(`no answer from ${url.origin}`)));
        request.on('error', reject);
        request.end(payload);
      });
    },
  };
}

/** Throws the server's error code and message unless the reply has `status`. */
export function expectStatus(reply: ApiReply, status: number): Record<string, unknown> {
  if (reply.status === status) return reply.body;
  const error = reply.body.error as { code?: string; message?: string } | undefined;
  throw new Error(error?.code === undefined ? `HTTP ${reply.status}` : `${error.code}: ${error.message}`);
}
