/**
 * `GET /v1/sys/posture`: what only the server knows of its own security posture (services/posture), for
 * `strongroom check deployment` and the console's Posture page. For a caller the policy grants `read_posture` on
 * `system/posture` (`admin`; an API key of a role a policy grants it to). Never a secret: the response schema is an
 * allow-list of settings, counts, ids, times and file modes. Audited as `system.posture`, refusals included
 * (who looks for the weak spots of a deployment is worth knowing).
 */
import type { FastifyInstance } from 'fastify';
import { resourcePaths } from '../../policy/index.js';
import type { AuditTrail } from '../../services/audit/index.js';
import type { PostureService } from '../../services/posture/index.js';
import { auditContext } from '../audit-context.js';
import { postureQuery, postureSchema } from '../posture-schema.js';
import { ref, responses } from '../schemas.js';

const READ_POSTURE = { action: 'read_posture', resource: resourcePaths.system('posture') } as const;

export const POSTURE_DEFAULTS = Object.freeze({
  apiKeyMaxAgeDays: 90,
  loginWindowDays: 90,
  keyRotationDays: 365,
});

interface PostureQuery {
  max_key_age_days?: number;
  login_window_days?: number;
  key_rotation_days?: number;
}

export async function postureRoutes(
  app: FastifyInstance,
  options: { posture: PostureService; audit: Pick<AuditTrail, 'record'> },
): Promise<void> {
  app.get<{ Querystring: PostureQuery }>(
    '/v1/sys/posture',
    {
      config: { access: 'authenticated', authorize: READ_POSTURE, audit: 'system.posture' },
      schema: {
        tags: ['system'],
        operationId: 'getPosture',
        summary: 'Security posture of this deployment (never a secret)',
        description:
          'Root key source, mode, initial password file, password hashing parameters and stale hashes, administrators without a recent login or with old API keys, old or never-expiring API keys, key ages, audit checkpoint freshness, throttles and quotas in force, Redis, file modes in the data directory and what the policy grants. Counts and ids only: never a key, hash, password or token. Read by `strongroom check deployment` (docs/checks.md).',
        querystring: postureQuery,
        response: responses({ 200: ref(postureSchema) }),
      },
    },
    async (request, reply) => {
      const query = request.query;
      const posture = await options.posture.read({
        apiKeyMaxAgeDays: query.max_key_age_days ?? POSTURE_DEFAULTS.apiKeyMaxAgeDays,
        loginWindowDays: query.login_window_days ?? POSTURE_DEFAULTS.loginWindowDays,
        keyRotationDays: query.key_rotation_days ?? POSTURE_DEFAULTS.keyRotationDays,
      });
      await options.audit.record({ ...auditContext(request), action: 'system.posture', outcome: 'allowed' });
      reply.header('cache-control', 'no-store');
      return posture;
    },
  );
}
