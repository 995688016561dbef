/**
 * Revokes credentials that crossed the network in clear text (a request to the plain-HTTP port, or a request a
 * TLS-terminating proxy forwarded as plain http). Whoever was on the path may have them now, so the session behind an
 * access token, or the API key itself, is revoked at once and a security event names what was revoked (never the
 * credential). An invalid or unknown credential is ignored.
 */
import type { ApiKeyService, SecurityEventRecorder, SessionService } from '../services/index.js';
import type { AccessTokens } from './access-token.js';

export function createExposedCredentialRevoker(deps: {
  accessTokens: Pick<AccessTokens, 'verify'>;
  sessions: Pick<SessionService, 'revoke' | 'revokeByRefreshToken'>;
  apiKeys: Pick<ApiKeyService, 'revokeExposed'>;
  events: SecurityEventRecorder;
}) {
  async function revokeOne(credential: string, clientAddress: string): Promise<boolean> {
    if (credential.startsWith('srr_')) {
      const session = await deps.sessions.revokeByRefreshToken(credential, 'exposed_over_http');
      if (session === null) return false;
      await deps.events.record('credential_exposed_over_http', {
        ...session,
        clientAddress,
        detail: { credential: 'refresh_token' },
      });
      return true;
    }
    if (credential.startsWith('srk_')) {
      const key = await deps.apiKeys.revokeExposed(credential);
      if (key === null) return false;
      await deps.events.record('credential_exposed_over_http', {
        userId: key.userId,
        apiKeyId: key.id,
        clientAddress,
        detail: { credential: 'api_key' },
      });
      return true;
    }
    const claims = await deps.accessTokens.verify(credential);
    if (claims === null || !(await deps.sessions.revoke(claims.sid, 'exposed_over_http'))) return false;
    await deps.events.record('credential_exposed_over_http', {
      userId: claims.sub,
      sessionId: claims.sid,
      clientAddress,
      detail: { credential: 'access_token' },
    });
    return true;
  }

  return {
    /** Revokes every valid credential among `candidates`; returns how many were revoked. */
    async revoke(candidates: string[], clientAddress: string): Promise<number> {
      let revoked = 0;
      for (const candidate of new Set(candidates)) {
        if (await revokeOne(candidate, clientAddress)) revoked++;
      }
      return revoked;
    },
  };
}

export type ExposedCredentialRevoker = ReturnType<typeof createExposedCredentialRevoker>;
