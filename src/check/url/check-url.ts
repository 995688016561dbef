/**
 * `strongroom check url URL`: probes one HTTPS API from outside, the way a scanner or an attacker would see it.
 * Invariants: only the URL's host is contacted (its HTTPS port and its plain-HTTP port), redirects are never
 * followed, and the credential (when given) is sent only over HTTPS to an authenticated server and never appears
 * in the report. Threats addressed: a check that leaks the very credential it tests with.
 */
import { CheckInputError } from '../check-error.js';
import { createFindingCollector } from '../collector.js';
import type { CheckReport } from '../finding.js';
import { type Credential, checkCredential, checkHeaders, checkPlainHttp } from './http-checks.js';
import { httpsGet } from './http-probe.js';
import { checkTls, findingAdder } from './tls-checks.js';
import type { Target } from './tls-probe.js';
import { URL_RULE_LIST } from './url-rules.js';

export const DEFAULT_EXPIRY_DAYS = 30;
export const DEFAULT_HTTP_PORT = 80;
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

export interface CheckUrlOptions {
  /** Extra CA certificate(s) to trust (PEM). */
  readonly ca?: Buffer;
  /** Report a certificate expiring within this many days. */
  readonly expiryDays?: number;
  readonly httpPort?: number;
  readonly credential?: Credential;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface ParsedUrl {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly origin: string;
}

export function parseCheckUrl(input: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new CheckInputError('the URL is not valid');
  }
  if (url.protocol !== 'https:') throw new CheckInputError('check url needs an https:// URL');
  if (url.username !== '' || url.password !== '') {
    throw new CheckInputError('the URL must not carry credentials; use --credential-header');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: url.port === '' ? 443 : Number(url.port),
    path: `${url.pathname}${url.search}`,
    origin: url.origin,
  };
}

export async function checkUrl(input: string, options: CheckUrlOptions = {}): Promise<CheckReport> {
  const url = parseCheckUrl(input);
  const target: Target = {
    host: url.host,
    port: url.port,
    timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
  const collector = createFindingCollector('url', URL_RULE_LIST);
  const add = findingAdder(url.origin, collector.add);
  const tls = await checkTls(
    target,
    { expiryDays: options.expiryDays ?? DEFAULT_EXPIRY_DAYS, now: options.now?.() ?? Date.now() },
    add,
  );
  const scanned: Record<string, number> = { ...tls.scanned, requests: 1 };
  const anonymous = await httpsGet(target, { path: url.path, verify: false });
  if (anonymous !== null) checkHeaders(anonymous.headers, add);
  if (options.credential !== undefined) {
    // An unauthenticated server may be an interceptor: it gets no credential.
    if (tls.authenticated)
      await checkCredential(target, url.path, options.credential, anonymous, add, scanned);
    else scanned['credential probes skipped (server not authenticated)'] = 1;
  }
  await checkPlainHttp(target, options.httpPort ?? DEFAULT_HTTP_PORT, url.path, add, scanned);
  return collector.report(scanned);
}
