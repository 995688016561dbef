export { type ApiKeyService, createApiKeyService, type PublicApiKey } from './api-key-service.js';
export {
  createSecurityEventRecorder,
  type SecurityEventRecorder,
  type SecurityEventType,
} from './security-events.js';
export { createSessionService, type RefreshOutcome, type SessionService } from './session-service.js';
export {
  assertNoAdminPower,
  createUserService,
  type PublicUser,
  ROLES,
  type Role,
  toPublicUser,
  type UserService,
} from './user-service.js';
