import type { FastifyInstance } from 'fastify';
import { resourcePaths } from '../../policy/index.js';
import type { SubjectService } from '../../services/index.js';
import { auditContext } from '../audit-context.js';
import { purposeContext } from '../plugins/access-purpose.js';
import { actorOf } from '../plugins/authenticate.js';
import { isoTime, responses, timestamp } from '../schemas.js';

export async function subjectRoutes(
  app: FastifyInstance,
  options: { subjects: SubjectService },
): Promise<void> {
  app.post<{ Params: { subject: string } }>(
    '/v1/subjects/:subject/erase',
    {
      config: {
        access: 'authenticated',
        authorize: { action: 'erase', resource: resourcePaths.subjects() },
        audit: 'subject.erase',
      },
      schema: {
        tags: ['records'],
        operationId: 'eraseSubject',
        summary:
          'Erase a subject: destroy its data key, so every value of that person becomes unreadable (policy: `erase`)',
        description:
          'Idempotent. Records become tombstones (410 SUBJECT_ERASED), their indexes and tokens are deleted, and ' +
          'new data for the subject is refused. Use opaque subject ids: this one travels in the URL.',
        params: {
          type: 'object',
          required: ['subject'],
          additionalProperties: false,
          properties: {
            subject: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f]+$' },
          },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['erased_at', 'records', 'tokens', 'already_erased'],
            additionalProperties: false,
            properties: {
              erased_at: timestamp,
              records: { type: 'integer', description: 'Records erased by this call' },
              tokens: { type: 'integer', description: 'Tokens deleted by this call' },
              already_erased: { type: 'boolean' },
            },
          },
        }),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const context = purposeContext(request);
      const result = await options.subjects.erase(request.params.subject, actor.userId, {
        ...auditContext(request),
        ...context,
      });
      return {
        erased_at: isoTime(result.erasedAt),
        records: result.records,
        tokens: result.tokens,
        already_erased: result.alreadyErased,
      };
    },
  );
}
