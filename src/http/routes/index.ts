/** Every route of the API, registered with the services it needs from the core (and nothing more). */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.js';
import { administrationOf, administratorsRemain } from '../../services/index.js';
import { eventSchema } from '../audit-schemas.js';
import { postureSchema } from '../posture-schema.js';
import { collectionBody, recordBody, recordPage } from '../vault-schemas.js';
import { apiKeyRoutes, apiKeySchema, createdKeySchema } from './api-key-routes.js';
import { auditRoutes } from './audit-routes.js';
import { authRoutes, tokenPairSchema } from './auth-routes.js';
import { collectionRoutes } from './collection-routes.js';
import { introspectionRoutes, introspectionSchema } from './introspection-routes.js';
import { jobBody, keyRoutes } from './key-routes.js';
import { meRoutes, meSchema } from './me-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { policyRoutes, versionSchema } from './policy-routes.js';
import { postureRoutes } from './posture-routes.js';
import { recordRoutes } from './record-routes.js';
import { sealRoutes } from './seal-routes.js';
import { subjectRoutes } from './subject-routes.js';
import { systemRoutes } from './system-routes.js';
import { tokenRoutes } from './token-routes.js';
import { userAdminRoutes } from './user-admin-routes.js';
import { userRoutes, userSchema } from './user-routes.js';

/** The named schemas of the responses: registered once, on the root app, so the document names them. */
const NAMED_SCHEMAS = [
  userSchema,
  meSchema,
  tokenPairSchema,
  introspectionSchema,
  apiKeySchema,
  createdKeySchema,
  versionSchema,
  collectionBody,
  recordBody,
  recordPage,
  eventSchema,
  jobBody,
  postureSchema,
];

export async function registerRoutes(app: FastifyInstance, core: Core): Promise<void> {
  for (const schema of NAMED_SCHEMAS) app.addSchema(schema);
  const { services: s } = core;
  await app.register(systemRoutes, {
    notReady: () => core.notReady(),
    isSealed: () => core.rootKey.isSealed(),
    jwks: () => s.keyring.jwks(),
  });
  await app.register(metricsRoutes, { metrics: core.metrics });
  await app.register(postureRoutes, { posture: s.posture, audit: s.audit });
  await app.register(sealRoutes, { rootKey: core.rootKey, session: core.unsealSession, clock: core.clock });
  await app.register(authRoutes, { login: s.login });
  await app.register(introspectionRoutes, { introspection: s.introspection, audit: s.audit });
  await app.register(meRoutes, {
    users: s.users,
    login: s.login,
    onPasswordChanged: (user) => core.onPasswordChanged(user),
  });
  await app.register(userRoutes, { users: s.users, authorizer: s.authorizer });
  await app.register(userAdminRoutes, {
    users: s.users,
    serviceKeys: s.serviceKeys,
    authorizer: s.authorizer,
  });
  await app.register(apiKeyRoutes, { apiKeys: s.apiKeys });
  await app.register(policyRoutes, {
    policies: s.policies,
    administratorsRemainUnder: (policy) => administratorsRemain(s.stores, administrationOf(policy)),
  });
  await app.register(collectionRoutes, { collections: s.collections });
  await app.register(recordRoutes, {
    collections: s.collections,
    records: s.records,
    reader: s.recordReader,
  });
  await app.register(tokenRoutes, { tokens: s.tokens });
  await app.register(subjectRoutes, { subjects: s.subjects });
  await app.register(auditRoutes, { audit: s.audit, subjects: s.subjects });
  await app.register(keyRoutes, { rotation: s.keyRotation });
}
