import type { FastifyInstance } from 'fastify';
import { ACTIONS, POLICY_LIMITS, REDACTIONS } from '../../policy/index.js';
import { ifMatchHeaders, ifMatchVersion } from '../if-match.js';
import { actorOf } from '../plugins/authenticate.js';
import { roleQuotasSchema } from '../quota-docs.js';
import { integer, pageLimit, purposeName, roleName, timestamp, uuid } from '../schema-bounds.js';
import { isoTime, ref, responses } from '../schemas.js';
import {
  asBodyError,
  lockoutCheck,
  managePolicies,
  type PolicyRouteDeps,
  registerYamlBodies,
  toBody,
} from './policy-route-common.js';
import { policyVersionRoutes } from './policy-version-routes.js';

const condition = {
  type: 'object',
  maxProperties: POLICY_LIMITS.conditionEntries,
  additionalProperties: {
    type: 'object',
    required: ['equals'],
    additionalProperties: false,
    properties: {
      equals: { type: ['string', 'number', 'boolean'], maxLength: POLICY_LIMITS.literalLength },
    },
  },
} as const;

const rule = {
  type: 'object',
  required: ['effect', 'actions', 'resources'],
  additionalProperties: false,
  properties: {
    effect: { type: 'string', enum: ['allow', 'deny'] },
    actions: { type: 'array', maxItems: ACTIONS.length, items: { type: 'string', enum: ACTIONS } },
    resources: {
      type: 'array',
      maxItems: POLICY_LIMITS.resourcesPerRule,
      items: { type: 'string', maxLength: POLICY_LIMITS.resourceLength, pattern: '^[A-Za-z0-9_\\-.:@*/]+$' },
    },
    redaction: { type: 'string', enum: REDACTIONS },
    purposes: { type: 'array', maxItems: POLICY_LIMITS.purposes, items: purposeName },
    condition,
  },
} as const;

/** The policy document format (policy/compile-policy.ts); documents are checked by compilePolicy, not here. */
const documentSchema = {
  type: 'object',
  required: ['version', 'purposes', 'roles'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', format: 'int32', minimum: 1, maximum: 1, enum: [1] },
    purposes: { type: 'array', maxItems: POLICY_LIMITS.purposes, items: purposeName },
    roles: {
      type: 'object',
      maxProperties: POLICY_LIMITS.roles,
      propertyNames: roleName,
      additionalProperties: {
        type: 'object',
        required: ['rules'],
        additionalProperties: false,
        properties: {
          rules: { type: 'array', maxItems: POLICY_LIMITS.rulesPerRole, items: rule },
          quotas: roleQuotasSchema,
        },
      },
    },
  },
} as const;

const summaryProperties = {
  version: integer(1),
  source: { type: 'string', enum: ['default', 'file', 'api'] },
  created_by: {
    ...uuid,
    type: ['string', 'null'],
    description: 'The admin user id; null for default and file versions',
  },
  created_at: timestamp,
} as const;

export const versionSchema = {
  $id: 'PolicyVersion',
  type: 'object',
  required: ['version', 'source', 'created_by', 'created_at', 'document'],
  additionalProperties: false,
  properties: { ...summaryProperties, document: documentSchema },
} as const;

/** PUT /v1/policies: validated, refused when it would lock administrators out, stored and in force at once. */
function registerPut(app: FastifyInstance, options: PolicyRouteDeps): void {
  app.put<{ Body: unknown }>(
    '/v1/policies',
    {
      // A policy can grant any role anything: like granting admin, it needs an interactive session.
      config: { access: 'session', authorize: managePolicies },
      schema: {
        tags: ['policies'],
        operationId: 'putPolicy',
        summary:
          'Replace the access policy: stored as a new version and in force at once (other nodes within seconds)',
        description:
          'The body is a policy document ({version: 1, purposes, roles}), or a policy version as GET /v1/policies/current ' +
          'serves it (its `document` is stored; `version`, `source`, `created_by` and `created_at` are read-only and ignored). An invalid one is refused with ' +
          "VALIDATION_FAILED naming the path of the first problem, and nothing changes. Needs an interactive session and the policy's `manage_policies`. " +
          'The body may also be YAML (`Content-Type: application/yaml`, at most 256 KiB; one document, no tags, bounded aliases); a parse error is 400 VALIDATION_FAILED naming its line and column. ' +
          'With `If-Match: "<version>"` (the version read) it is stored only if that is still the latest version (else 412 PRECONDITION_FAILED).',
        headers: ifMatchHeaders,
        body: { type: 'object' },
        response: responses({ 200: ref(versionSchema) }, 412),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      try {
        return toBody(
          await options.policies.put(
            request.body,
            { userId: actor.userId, clientAddress: request.ip, requestId: request.id },
            lockoutCheck(request, options),
            ifMatchVersion(request.headers),
          ),
        );
      } catch (error) {
        throw asBodyError(error);
      }
    },
  );
}

export async function policyRoutes(app: FastifyInstance, options: PolicyRouteDeps): Promise<void> {
  app.get(
    '/v1/policies/current',
    {
      config: { access: 'authenticated', authorize: managePolicies },
      schema: {
        tags: ['policies'],
        operationId: 'getCurrentPolicy',
        summary: 'The access policy in force, with its version',
        description: 'The document in force and its version number.',
        response: responses({ 200: ref(versionSchema) }),
      },
    },
    async () => {
      // Another node may have stored a newer version since the last periodic check.
      await options.policies.refresh();
      return toBody(options.policies.current());
    },
  );

  registerYamlBodies(app);
  registerPut(app, options);
  await policyVersionRoutes(app, options);

  app.get<{ Querystring: { before?: number; limit?: number } }>(
    '/v1/policies',
    {
      config: { access: 'authenticated', authorize: managePolicies },
      schema: {
        tags: ['policies'],
        operationId: 'listPolicyVersions',
        summary: 'Policy version history, newest first (without documents)',
        description: 'Versions with who stored them and when, newest first.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            before: { ...integer(1), description: 'Versions below this one' },
            limit: pageLimit(100),
          },
        },
        response: responses({
          200: {
            type: 'object',
            required: ['policies'],
            additionalProperties: false,
            properties: {
              policies: {
                type: 'array',
                maxItems: 100,
                items: {
                  type: 'object',
                  required: ['version', 'source', 'created_by', 'created_at'],
                  additionalProperties: false,
                  properties: summaryProperties,
                },
              },
            },
          },
        }),
      },
    },
    async (request) => {
      const { before, limit } = request.query;
      const versions = await options.policies.history({
        limit: limit ?? 50,
        ...(before === undefined ? {} : { before }),
      });
      return {
        policies: versions.map((v) => ({
          version: v.version,
          source: v.source,
          created_by: v.createdBy,
          created_at: isoTime(v.createdAt),
        })),
      };
    },
  );
}
