/**
 * The HTTP half of `check url`: headers that leak or protect (HSTS, Server, X-Powered-By), caching of
 * authenticated answers, credentials accepted in the query, and the plain-HTTP port.
 * Invariants: the credential is sent only to the authenticated target over HTTPS, never over plain HTTP and
 * never to another host (redirects are not followed); it appears in no finding, message or error.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type Answer, httpGet, httpsGet } from './http-probe.js';
import type { findingAdder } from './tls-checks.js';
import type { Target } from './tls-probe.js';
import { URL_RULES } from './url-rules.js';

const ONE_YEAR_S = 31_536_000;
export const QUERY_PARAMETERS = ['access_token', 'api_key'] as const;

export interface Credential {
  /** Header name, e.g. `Authorization` or `X-API-Key`. */
  readonly header: string;
  readonly value: string;
}

type Add = ReturnType<typeof findingAdder>;
const ok = (answer: Answer | null): answer is Answer =>
  answer !== null && answer.status >= 200 && answer.status < 300;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

export function checkHeaders(headers: IncomingHttpHeaders, add: Add): void {
  const hsts = one(headers['strict-transport-security']);
  if (hsts === undefined) add(URL_RULES.hstsMissing, 'no Strict-Transport-Security header');
  else {
    const maxAge = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(hsts)?.[1];
    if (maxAge === undefined || Number(maxAge) < ONE_YEAR_S) {
      add(
        URL_RULES.hstsShort,
        `Strict-Transport-Security max-age is ${maxAge ?? 'missing'}, below ${ONE_YEAR_S}`,
      );
    }
  }
  const server = one(headers.server);
  if (server !== undefined && /\d/.test(server)) add(URL_RULES.serverVersion, `Server: ${server}`);
  const poweredBy = one(headers['x-powered-by']);
  if (poweredBy !== undefined) add(URL_RULES.poweredBy, `X-Powered-By: ${poweredBy}`);
}

/** The token to put in a query parameter: the header value without its auth scheme; null for Basic. */
export function queryToken(credential: Credential): string | null {
  if (credential.header.toLowerCase() !== 'authorization') return credential.value;
  const match = /^(\S+)\s+(\S+)$/.exec(credential.value.trim());
  if (match === null) return credential.value.trim();
  return match[1]?.toLowerCase() === 'basic' ? null : (match[2] ?? null);
}

function withQuery(path: string, name: string, value: string): string {
  const url = new URL(path, 'https://target.invalid');
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

/** Cache-Control on the authenticated answer, then whether the same credential works from the query string. */
export async function checkCredential(
  target: Target,
  path: string,
  credential: Credential,
  anonymous: Answer | null,
  add: Add,
  scanned: Record<string, number>,
): Promise<void> {
  const authenticated = await httpsGet(target, {
    path,
    headers: { [credential.header]: credential.value },
    verify: true,
  });
  scanned.requests = (scanned.requests ?? 0) + 1;
  if (!ok(authenticated)) {
    scanned['authenticated answers'] = 0;
    return;
  }
  scanned['authenticated answers'] = 1;
  const cacheControl = (one(authenticated.headers['cache-control']) ?? '').toLowerCase();
  if (!/(?:^|,)\s*no-store\s*(?:,|$)/.test(cacheControl)) {
    add(
      URL_RULES.cacheableAuthenticated,
      `an authenticated ${authenticated.status} has Cache-Control: ${cacheControl || '(none)'}`,
    );
  }
  const token = queryToken(credential);
  // Without a refusal of the anonymous request, a success with the query token proves nothing.
  if (token === null || ok(anonymous)) return;
  for (const name of QUERY_PARAMETERS) {
    const answer = await httpsGet(target, { path: withQuery(path, name, token), verify: true });
    scanned.requests++;
    if (ok(answer))
      add(URL_RULES.credentialInQuery, `the credential is accepted as ?${name}= (${answer.status})`);
  }
}

/** The plain-HTTP port, asked without any credential: refusing (closed, 4xx such as 426) is right. */
export async function checkPlainHttp(
  target: Target,
  httpPort: number,
  path: string,
  add: Add,
  scanned: Record<string, number>,
): Promise<void> {
  const answer = await httpGet(target.host, httpPort, path, target.timeoutMs);
  scanned.requests = (scanned.requests ?? 0) + 1;
  if (answer === null) return;
  if (answer.status >= 300 && answer.status < 400 && answer.headers.location !== undefined) {
    add(URL_RULES.httpRedirects, `port ${httpPort} answers ${answer.status} with a redirect`);
  } else if (answer.status >= 200 && answer.status < 400) {
    add(URL_RULES.httpServes, `port ${httpPort} answers ${answer.status} over plain HTTP`);
  }
}
