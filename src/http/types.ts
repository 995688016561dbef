import type { Actor } from '../auth/index.js';
import type { AuditAction } from '../services/audit/index.js';

/** Who may call a route. Every route must declare one; a route without it cannot be registered (deny by default). */
export type Access = 'public' | 'authenticated' | 'session' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The audit action of a data route: a refusal (denied, rate limited) is recorded under it too. */
    audit?: AuditAction;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The purpose stated in `X-Access-Purpose` (validated against the policy), null when none or not authenticated. */
    purpose: string | null;
    /** The error code the request was answered with, for its one log line (request-log.ts). */
    errorCode: string | null;
  }
}
