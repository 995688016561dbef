export {
  type ApiKeyService,
  createApiKeyService,
  MAX_LIVE_API_KEYS,
  type PublicApiKey,
} from './api-key-service.js';
export {
  type Administration,
  type Authorizer,
  administrationOf,
  createAuthorizer,
  denialError,
  policyActorOf,
} from './authorizer.js';
export {
  type Collection,
  type CollectionInput,
  type CollectionService,
  createCollectionService,
  MAX_COLLECTIONS,
} from './collection-service.js';
export {
  createKeyJobHandlers,
  createKeyJobRunner,
  createKeyRotation,
  KEY_JOB_LIST_LIMIT,
  type KeyJobRunner,
  type KeyRotation,
  type RotationTarget,
} from './key-jobs/index.js';
export { createKeyService, DATA_KEY_SCHEME, type DataKeyRef, type KeyService } from './key-service.js';
export { masterKeyAad } from './master-keys.js';
export { createPolicyService, type PolicyService, type PolicyVersion } from './policy-service.js';
export { MAX_FLOW_DEPTH, parsePolicyYaml, yamlPosition } from './policy-yaml.js';
export { createQuotaService, type QuotaIdentity, type QuotaService } from './quota-service.js';
export {
  type Caller,
  createRecordAccess,
  createRecordCrypto,
  createRecordReader,
  createRecordService,
  factsOf,
  MAX_PAGE,
  type ReadOptions,
  type RecordAccess,
  type RecordCrypto,
  type RecordFacts,
  type RecordPage,
  type RecordReader,
  type RecordService,
  type RecordView,
  type RedactionLevel,
  SUBJECT_FIELD,
  systemCaller,
} from './records/index.js';
export type { Invalidation, RevocationPublisher } from './revocations.js';
export {
  createSecurityEventRecorder,
  type SecurityEventRecorder,
  type SecurityEventType,
} from './security-events.js';
export {
  createServiceAccountKeys,
  type ServiceAccountKeys,
  type ServiceKeyCaller,
} from './service-account-keys.js';
export { createSessionService, type RefreshOutcome, type SessionService } from './session-service.js';
export { createSubjectService, type ErasureResult, type SubjectService } from './subject-service.js';
export {
  createTokenKeys,
  createTokenService,
  type DetokenizedValue,
  hashToken,
  TOKEN_AAD_COLLECTION,
  TOKEN_KEY_ID,
  type TokenizeInput,
  type TokenKeys,
  type TokenService,
  type TokenSource,
} from './tokens/index.js';
export {
  administratorsRemain,
  type ChangeContext,
  type ChangeOptions,
  convertClearSubjects,
  createUserService,
  createUserSubjects,
  DEFAULT_ROLE,
  type PublicUser,
  toPublicUser,
  type UserService,
  type UserSubjects,
} from './users/index.js';
