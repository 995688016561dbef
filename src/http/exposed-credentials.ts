/**
 * What a request that crossed the network in clear text exposed: the credentials to revoke at once.
 *
 * Invariants: every Strongroom token (checksummed `srk_`/`srr_`) and JWT in the URL is collected, in its raw and
 * its percent-decoded form, each match on its own (never merged with an overlapping match, never hidden behind a
 * decoy: the shared detectors of @strongroom/redact); checksummed tokens come before JWTs, so the bound of
 * `MAX_EXPOSED_CREDENTIALS` is never filled by JWT-shaped decoys ahead of a real key.
 * Not addressed: credentials in a body, which the plain-HTTP port never reads.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { decodePercent, findEachSecret } from '@strongroom/redact';

/** The most credentials one request gets revoked for: each costs a store lookup. */
export const MAX_EXPOSED_CREDENTIALS = 10;

const URL_CREDENTIAL_KINDS = ['strongroom_token', 'jwt'] as const;

/** Every credential-shaped string a request carried in clear: Authorization, X-API-Key, and tokens in the URL. */
export function collectExposedCredentials(headers: IncomingHttpHeaders, url: string): string[] {
  const found = new Set<string>();
  const authorization = headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer +(\S+)/i.exec(authorization)?.[1] : undefined;
  if (bearer !== undefined) found.add(bearer);
  const apiKey = headers['x-api-key'];
  for (const value of Array.isArray(apiKey) ? apiKey : apiKey === undefined ? [] : [apiKey])
    found.add(value.trim());
  const forms = [...new Set([url, decodePercent(url)])];
  // Refresh tokens, API keys and JWTs: whichever of them is ours gets revoked.
  for (const kind of URL_CREDENTIAL_KINDS) {
    for (const form of forms) {
      for (const match of findEachSecret(form)) {
        if (match.detector === kind) found.add(form.slice(match.start, match.end));
      }
    }
  }
  return [...found].slice(0, MAX_EXPOSED_CREDENTIALS);
}
