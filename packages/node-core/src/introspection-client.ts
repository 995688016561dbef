/**
 * Calls Strongroom's `POST /v1/auth/introspect` (RFC 7662 with a JSON body: `{ token }` in, `{ active, sub, sid,
 * roles, exp, iat, … }` out) with the application's API key in `X-API-Key`.
 * Invariants: the token travels in the body only, over the pinned TLS connection; an answer that is not a 200 with
 * the documented shape is an error (thrown), never an "active" verdict; the API key and the token never appear in
 * an error message.
 */
import type { HttpsClient } from './https-client.js';

export type IntrospectionAnswer =
  | { readonly active: false }
  | { readonly active: true; readonly sub: string; readonly sid: string; readonly roles: readonly string[] };

/** Strongroom did not give a usable answer (unreachable, timed out, refused the API key, malformed answer). */
export class IntrospectionUnavailableError extends Error {
  override readonly name = 'IntrospectionUnavailableError';
}

function parseAnswer(body: string): IntrospectionAnswer {
  const answer = JSON.parse(body) as Record<string, unknown>;
  if (answer.active === false) return { active: false };
  const { active, sub, sid, roles } = answer;
  if (
    active !== true ||
    typeof sub !== 'string' ||
    typeof sid !== 'string' ||
    !Array.isArray(roles) ||
    !roles.every((role) => typeof role === 'string')
  ) {
    throw new IntrospectionUnavailableError('the introspection answer does not have the documented shape');
  }
  return { active: true, sub, sid, roles: Object.freeze([...roles]) };
}

export function createIntrospectionClient(deps: {
  url: URL;
  apiKey: string;
  https: Pick<HttpsClient, 'request'>;
}) {
  const endpoint = new URL('/v1/auth/introspect', deps.url);
  return {
    /** Strongroom's verdict on `token` now; throws IntrospectionUnavailableError when there is none. */
    async introspect(token: string): Promise<IntrospectionAnswer> {
      let answer: { status: number; body: string };
      try {
        answer = await deps.https.request(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-api-key': deps.apiKey,
          },
          body: JSON.stringify({ token }),
        });
      } catch (cause) {
        throw new IntrospectionUnavailableError('Strongroom is unreachable', { cause });
      }
      if (answer.status !== 200) {
        throw new IntrospectionUnavailableError(
          `Strongroom answered the introspection with ${answer.status}`,
        );
      }
      try {
        return parseAnswer(answer.body);
      } catch (cause) {
        if (cause instanceof IntrospectionUnavailableError) throw cause;
        throw new IntrospectionUnavailableError('the introspection answer is not JSON', { cause });
      }
    },
  };
}

export type IntrospectionClient = ReturnType<typeof createIntrospectionClient>;
