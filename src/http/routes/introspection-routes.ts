/**
 * `POST /v1/auth/introspect` (RFC 7662, with a JSON body): whether an access token is active, for applications
 * whose middleware verifies Strongroom tokens locally and must still learn of logouts, revocations and role changes.
 * Who may ask: an authenticated caller (typically an application's API key) whom the policy grants `introspect` on
 * `system/introspection` (`admin` and `introspector` in the default policy). The token travels in the body only;
 * it is never logged (bodies never are) nor audited: the call is audited as `auth.introspect` without it.
 * Counted in the `introspect` quota group, apart from `admin`: middleware calls it once per session and window.
 */
import type { FastifyInstance } from 'fastify';
import type { Introspection, TokenIntrospection } from '../../auth/index.js';
import { CLAIM_VALUE_MAX } from '../../config.js';
import { resourcePaths } from '../../policy/index.js';
import type { AuditTrail } from '../../services/audit/index.js';
import { auditContext } from '../audit-context.js';
import { compactJws, integer, plainText, roleList, uuid } from '../schema-bounds.js';
import { ref, responses } from '../schemas.js';

/** Who may introspect: whoever the policy grants `introspect` on `system/introspection`. */
const INTROSPECT = { action: 'introspect', resource: resourcePaths.system('introspection') } as const;

const claimText = plainText(CLAIM_VALUE_MAX, 1);
const epochSeconds = integer(0, Number.MAX_SAFE_INTEGER);

export const introspectionSchema = {
  $id: 'Introspection',
  type: 'object',
  required: ['active'],
  additionalProperties: false,
  description:
    'An inactive token (unknown, expired, revoked, logged out, of a disabled user or a changed password, badly signed, of another issuer) is exactly `{"active": false}`; the other members are present only when `active` is true',
  properties: {
    active: { type: 'boolean', description: 'The token is one this server would accept now' },
    sub: { ...uuid, description: 'The user id' },
    sid: { ...uuid, description: 'The session id: cache the answer per session' },
    roles: {
      ...roleList,
      description: "The user's roles now (the token's `roles` claim holds those at issue)",
    },
    iat: { ...epochSeconds, description: 'Issued at, seconds since the epoch' },
    exp: { ...epochSeconds, description: 'Expires at, seconds since the epoch' },
    iss: { ...claimText, description: 'The issuer the token names' },
    aud: { ...claimText, description: 'The audience the token names' },
    token_type: { type: 'string', enum: ['Bearer'], description: 'How the token is presented' },
  },
} as const;

function toBody(answer: Introspection) {
  if (!answer.active) return { active: false };
  const { sub, sid, roles, iat, exp, iss, aud } = answer;
  return { active: true, sub, sid, roles, iat, exp, iss, aud, token_type: 'Bearer' };
}

export async function introspectionRoutes(
  app: FastifyInstance,
  options: { introspection: TokenIntrospection; audit: Pick<AuditTrail, 'record'> },
): Promise<void> {
  app.post<{ Body: { token: string; token_type_hint?: string } }>(
    '/v1/auth/introspect',
    {
      config: {
        access: 'authenticated',
        authorize: INTROSPECT,
        audit: 'auth.introspect',
        quota: 'introspect',
      },
      schema: {
        tags: ['auth'],
        operationId: 'introspectToken',
        summary: "Whether an access token is active now, whose it is and the user's current roles (RFC 7662)",
        description:
          'For applications that verify access tokens themselves: a signature, `iss`, `aud` and `exp` check cannot see a logout, a revoked session, a disabled user or a role change; this answer does. 200 whether the token is active or not. The token travels in the JSON body only and is neither logged nor audited. Cache the answer per `sid` for a few seconds at most: that is how long a revocation may go unseen.',
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: {
            token: {
              ...plainText(compactJws.maxLength, 1),
              writeOnly: true,
              description: 'The access token asked about (any other text is simply inactive)',
            },
            token_type_hint: {
              type: 'string',
              enum: ['access_token', 'refresh_token'],
              description: 'Ignored: only access tokens are introspected; any other token is inactive',
            },
          },
        },
        response: responses({ 200: ref(introspectionSchema) }),
      },
    },
    async (request) => {
      // Audited before it is answered (fail closed), without the token.
      await options.audit.record({ ...auditContext(request), action: 'auth.introspect', outcome: 'allowed' });
      return toBody(await options.introspection.introspect(request.body.token));
    },
  );
}
