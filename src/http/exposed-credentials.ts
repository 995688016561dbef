import type { IncomingHttpHeaders } from 'node:http';
import { decodePercent, findSecrets } from '@strongroom/redact';

/** Every credential-shaped string a request carried in clear: Authorization, X-API-Key, and tokens in the URL. */
export function collectExposedCredentials(headers: IncomingHttpHeaders, url: string): string[] {
  const found: string[] = [];
  const authorization = headers.authorization;
  const bearer = typeof authorization === 'string' ? /^Bearer +(\S+)/i.exec(authorization)?.[1] : undefined;
  if (bearer !== undefined) found.push(bearer);
  const apiKey = headers['x-api-key'];
  for (const value of Array.isArray(apiKey) ? apiKey : apiKey === undefined ? [] : [apiKey])
    found.push(value.trim());
  const decoded = decodePercent(url);
  for (const match of findSecrets(decoded)) {
    // Refresh tokens, API keys and JWTs: whichever of them is ours gets revoked.
    if (match.detector === 'jwt' || match.detector === 'strongroom_token') {
      found.push(decoded.slice(match.start, match.end));
    }
  }
  return found.slice(0, 10);
}
