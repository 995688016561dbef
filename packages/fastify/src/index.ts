export type {
  SafetyOptions,
  StrongroomAuthOptions,
  StrongroomIdentity,
  StrongroomLoggerOptions,
} from '@strongroom/node-core';
export { StrongroomOptionsError } from '@strongroom/node-core';
export { strongroomAuth } from './auth.js';
export { strongroomLogger } from './logger.js';
export { strongroomSafety } from './safety.js';
