/**
 * A small JSON client for `operator unseal`, which calls a server that may be sealed, with no session (the other
 * client commands use @strongroom/client, connect.ts): HTTPS only, the server certificate verified (the CA given
 * with `--ca`, else the data directory's local CA, else the system trust store).
 * Invariants: a credential or share is never printed, never put in a URL, and never sent over plain HTTP; a
 * certificate that does not verify is never accepted, and the error says which CA was used and how to pass another.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { Config } from '../config.js';

export interface ApiReply {
  status: number;
  body: Record<string, unknown>;
}

/** The CA a call verifies the server with: a file, or the system trust store (`file` null). */
export interface TrustedCa {
  file: string | null;
  pem: Buffer | undefined;
  /** The local CA path looked for when no `--ca` was given. */
  defaultFile: string;
}

export function defaultServerUrl(config: Readonly<Config>): string {
  const anyAddress = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  const host = anyAddress ? '127.0.0.1' : config.host;
  return `https://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** `--ca FILE`, else `<data-dir>/tls/ca.pem` when it exists, else the system trust store. */
export function trustedCa(config: Readonly<Config>, caFlag: string | undefined): TrustedCa {
  const defaultFile = path.join(config.dataDir, 'tls', 'ca.pem');
  const file = caFlag ?? (fs.existsSync(defaultFile) ? defaultFile : null);
  if (file === null) return { file, pem: undefined, defaultFile };
  try {
    return { file, pem: fs.readFileSync(file), defaultFile };
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(
      `cannot read the CA certificate ${file} (${why}); pass a readable PEM file with --ca FILE`,
    );
  }
}

// Node's codes for a certificate chain that does not lead to a trusted CA (or is not valid for the host).
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The TLS error, or a message naming the CA that was used and how to pass the right one. */
export function explainTlsError(error: unknown, url: URL, ca: TrustedCa): Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === undefined || !UNTRUSTED_CERTIFICATE.has(code)) {
    return error instanceof Error ? error : new Error(`cannot reach ${url.origin}`);
  }
  const used =
    ca.file === null
      ? `the system's trusted CAs (no --ca given, and ${ca.defaultFile} does not exist)`
      : `the CA in ${ca.file}`;
  const hint =
    code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? `the certificate is not issued for ${url.hostname}: use --url with a host name it names`
      : `pass the CA that issued the server's certificate with --ca FILE (a development server's is <data-dir>/tls/ca.pem)`;
  return new Error(`cannot verify the TLS certificate of ${url.origin} (${code}) with ${used}; ${hint}`);
}

/** One JSON request over verified HTTPS; rejects with `explainTlsError`'s message when the certificate fails. */
export function requestJson(
  url: URL,
  options: { method: string; ca: TrustedCa; headers?: Record<string, string>; body?: unknown },
): Promise<ApiReply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: options.method,
        ...(options.ca.pem === undefined ? {} : { ca: options.ca.pem }),
        headers: {
          ...options.headers,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
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
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new Error(`unexpected answer from ${url.origin} (HTTP ${response.statusCode})`));
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url.origin}`)));
    request.on('error', (error) => reject(explainTlsError(error, url, options.ca)));
    request.end(payload);
  });
}

/** The base URL of `flags.url` (default: this data directory's server); refuses anything but https. */
export function serverUrl(config: Readonly<Config>, urlFlag: string | undefined, what: string): URL {
  const base = new URL(urlFlag ?? defaultServerUrl(config));
  if (base.protocol !== 'https:') throw new Error(`--url must be an https:// URL: ${what}`);
  return base;
}
