import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resourcePaths } from '../../policy/index.js';
import type { SubjectService } from '../../services/index.js';
import { auditContext } from '../audit-context.js';
import { declareDeprecations, PATH_VALUE_DEPRECATED_SINCE, PATH_VALUE_SUNSET } from '../deprecation.js';
import { purposeContext } from '../plugins/access-purpose.js';
import { actorOf } from '../plugins/authenticate.js';
import { count, subjectId, timestamp } from '../schema-bounds.js';
import { isoTime, responses } from '../schemas.js';

/** Erasing a subject, whichever route asks: same policy, audit action and answer. */
const erasure = {
  config: {
    access: 'authenticated',
    authorize: { action: 'erase', resource: resourcePaths.subjects() },
    audit: 'subject.erase',
  },
  tags: ['records'],
  summary:
    'Erase a subject: destroy its data key, so every value of that person becomes unreadable (policy: `erase`)',
  description:
    'Idempotent. Records become tombstones (410 SUBJECT_ERASED), their indexes and tokens are deleted, and ' +
    'new data for the subject is refused.',
} as const;

/** A map of its own per route: route-docs and the deprecation notice complete each route's in place. */
const erasureResponses = () =>
  responses({
    200: {
      type: 'object',
      description: 'The subject is erased (now, or already before this call)',
      required: ['erased_at', 'records', 'tokens', 'already_erased'],
      additionalProperties: false,
      properties: {
        erased_at: timestamp,
        records: { ...count, description: 'Records erased by this call' },
        tokens: { ...count, description: 'Tokens deleted by this call' },
        already_erased: { type: 'boolean' },
      },
    },
  });

const subjectObject = {
  type: 'object',
  required: ['subject'],
  additionalProperties: false,
  properties: { subject: subjectId },
} as const;

export async function subjectRoutes(
  app: FastifyInstance,
  options: { subjects: SubjectService },
): Promise<void> {
  declareDeprecations(app);

  async function erase(request: FastifyRequest, subject: string) {
    const result = await options.subjects.erase(subject, actorOf(request).userId, {
      ...auditContext(request),
      ...purposeContext(request),
    });
    return {
      erased_at: isoTime(result.erasedAt),
      records: result.records,
      tokens: result.tokens,
      already_erased: result.alreadyErased,
    };
  }

  app.post<{ Body: { subject: string } }>(
    '/v1/subjects/erase',
    {
      config: erasure.config,
      schema: {
        tags: erasure.tags,
        operationId: 'eraseSubject',
        summary: erasure.summary,
        description: `${erasure.description} The subject id (personal data) travels in the body, never in a URL.`,
        body: subjectObject,
        response: erasureResponses(),
      },
    },
    (request) => erase(request, request.body.subject),
  );

  app.post<{ Params: { subject: string } }>(
    '/v1/subjects/:subject/erase',
    {
      config: {
        ...erasure.config,
        deprecation: {
          successor: { method: 'POST', path: '/v1/subjects/erase' },
          since: PATH_VALUE_DEPRECATED_SINCE,
          sunset: PATH_VALUE_SUNSET,
        },
      },
      schema: {
        tags: erasure.tags,
        operationId: 'eraseSubjectByPath',
        deprecated: true,
        summary: `${erasure.summary}, the subject in the path (deprecated)`,
        description: `${erasure.description} The subject id travels in the URL, where proxies and logs see it.`,
        params: subjectObject,
        response: erasureResponses(),
      },
    },
    (request) => erase(request, request.params.subject),
  );
}
