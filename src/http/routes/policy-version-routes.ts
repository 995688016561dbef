/**
 * Stored policy versions: read one (`GET /v1/policies/{version}`), and roll back to one
 * (`POST /v1/policies/rollback`), which stores that version's document as a new version (history is
 * append-only; nothing is deleted or renumbered) after the same validation and lock-out checks as a PUT.
 */
import type { FastifyInstance } from 'fastify';
import { ifMatchHeaders, ifMatchVersion } from '../if-match.js';
import { actorOf } from '../plugins/authenticate.js';
import { integer } from '../schema-bounds.js';
import { ref, responses } from '../schemas.js';
import {
  asBodyError,
  lockoutCheck,
  managePolicies,
  type PolicyRouteDeps,
  toBody,
} from './policy-route-common.js';

const versionNumber = { ...integer(1, 2_147_483_647), description: 'A stored policy version number' };
const versionRef = ref({ $id: 'PolicyVersion' });
// Path parameters are bounded strings (url-guard.ts): the digits of a version number.
const versionPath = {
  type: 'string',
  maxLength: 10,
  pattern: '^[1-9][0-9]{0,9}$',
  description: 'A stored policy version number',
} as const;

export async function policyVersionRoutes(app: FastifyInstance, options: PolicyRouteDeps): Promise<void> {
  app.get<{ Params: { version: string } }>(
    '/v1/policies/:version',
    {
      config: { access: 'authenticated', authorize: managePolicies },
      schema: {
        tags: ['policies'],
        operationId: 'getPolicyVersion',
        summary: 'One stored policy version, with its document',
        description: 'Any version ever stored (404 POLICY_VERSION_NOT_FOUND for a number never used).',
        params: {
          type: 'object',
          required: ['version'],
          additionalProperties: false,
          properties: { version: versionPath },
        },
        response: responses({ 200: versionRef }, 404),
      },
    },
    async (request) => toBody(await options.policies.version(Number(request.params.version))),
  );

  app.post<{ Body: { version: number } }>(
    '/v1/policies/rollback',
    {
      config: { access: 'session', authorize: managePolicies },
      schema: {
        tags: ['policies'],
        operationId: 'rollbackPolicy',
        summary: "Put an old version's document back in force, as a new version",
        description:
          'Stores the document of `version` as the next version (its history stays), checked like a PUT: it must still compile under the current limits (400 VALIDATION_FAILED naming `body.…`) and must not lock administrators out (409 POLICY_LOCKOUT). An unknown version is 404 POLICY_VERSION_NOT_FOUND. With `If-Match: "<version>"` it applies only if that is still the latest version (else 412 PRECONDITION_FAILED). Needs an interactive session.',
        headers: ifMatchHeaders,
        body: {
          type: 'object',
          required: ['version'],
          additionalProperties: false,
          properties: { version: versionNumber },
        },
        response: responses({ 200: versionRef }, 404, 409, 412),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      try {
        return toBody(
          await options.policies.rollback(
            request.body.version,
            { userId: actor.userId, clientAddress: request.ip, requestId: request.id },
            lockoutCheck(request, options),
            ifMatchVersion(request.headers),
          ),
        );
      } catch (error) {
        // The old document's paths are named as if it were the body (it is what the rollback sends again).
        throw asBodyError(error);
      }
    },
  );
}
