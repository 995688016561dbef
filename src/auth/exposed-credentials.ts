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
  type Revoked = { userId: string; sessionId?: string; apiKeyId?: string };

  /** Revokes what a credential gives access to; what was revoked, or null for an invalid or unknown credential. */
  async function revokeBehind(credential: string): Promise<(Revoked & { kind: string }) | null> {
    if (credential.startsWith('srr_')) {
      const session = await deps.sessions.revokeByRefreshToken(credential, 'exposed_over_http');
      return session === null ? null : { kind: 'refresh_token', ...session };
    }
    if (credential.startsWith('srk_')) {
      const key = await deps.apiKeys.revokeExposed(credential);
      return key === null ? null : { kind: 'api_key', userId: key.userId, apiKeyId: key.id };
    }
    const claims = await deps.accessTokens.verify(credential);
    if (claims === null || !(await deps.sessions.revoke(claims.sid, 'exposed_over_http'))) return null;
    return { kind: 'access_token', userId: claims.sub, sessionId: claims.sid };
  }

  async function revokeOne(credential: string, clientAddress: string, requestId?: string): Promise<boolean> {
    const revoked = await revokeBehind(credential);
    if (revoked === null) return false;
    const { kind, ...ids } = revoked;
    await deps.events.record('credential_exposed_over_http', {
      ...ids,
      clientAddress,
      ...(requestId === undefined ? {} : { requestId }),
      detail: { credential: kind },
    });
    return true;
  }

  return {
    /** Revokes every valid credential among `candidates`; returns how many were revoked. */
    async revoke(candidates: string[], clientAddress: string, requestId?: string): Promise<number> {
      let revoked = 0;
      for (const candidate of new Set(candidates)) {
        if (await revokeOne(candidate, clientAddress, requestId)) revoked++;
      }
      return revoked;
    },
  };
}

export type ExposedCredentialRevoker = ReturnType<typeof createExposedCredentialRevoker>;
