export { classifyHash, POSTURE_ID_LIMIT } from './account-posture.js';
export { createPostureService, type PostureService, type PostureWindows } from './posture-service.js';
export type { FilePosture, Posture } from './posture-types.js';
