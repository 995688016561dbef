/**
 * The transport half of `check deployment`: the probes of `check url` (real TLS handshakes: TLS 1.0/1.1 and
 * non-AEAD suites must fail; certificate chain, host name and expiry; HSTS and leaking headers; the plain-HTTP
 * port) run against the server's URL, reported under their `url/…` ids. No credential is sent here.
 */
import type { Finding } from '../finding.js';
import { checkHeaders, checkPlainHttp } from '../url/http-checks.js';
import { httpsGet } from '../url/http-probe.js';
import { checkTls, findingAdder } from '../url/tls-checks.js';
import type { Target } from '../url/tls-probe.js';

export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly origin: string;
  readonly ca?: Buffer;
  readonly expiryDays: number;
  /** The plain-HTTP port to ask (the server's `--http-port`, or the operator's); null: none to ask. */
  readonly httpPort: number | null;
  readonly timeoutMs: number;
  readonly now: number;
}

/** Runs the probes and returns what they scanned; findings go to `add`. */
export async function checkTransport(
  options: TransportOptions,
  add: (finding: Finding) => void,
): Promise<Record<string, number>> {
  const target: Target = {
    host: options.host,
    port: options.port,
    timeoutMs: options.timeoutMs,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
  const adder = findingAdder(options.origin, add);
  const tls = await checkTls(target, { expiryDays: options.expiryDays, now: options.now }, adder);
  const scanned: Record<string, number> = { ...tls.scanned, requests: 1 };
  // /healthz answers without a credential: its headers are those of every answer (security-headers plugin).
  const answer = await httpsGet(target, { path: '/healthz', verify: false });
  if (answer !== null) checkHeaders(answer.headers, adder);
  if (options.httpPort !== null) await checkPlainHttp(target, options.httpPort, '/healthz', adder, scanned);
  else scanned['plain-HTTP port (none configured)'] = 0;
  return scanned;
}
