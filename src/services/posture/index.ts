export { classifyHash, POSTURE_ID_LIMIT } from './account-posture.js';
export {
  backupLeftovers,
  filePosture,
  keyFileInsideDataDir,
  statFile,
  type WatchedFile,
  watchedFiles,
} from './file-posture.js';
export {
  createPostureService,
  type PostureService,
  type PostureServiceDeps,
  type PostureWindows,
} from './posture-service.js';
export type { FilePosture, Posture } from './posture-types.js';
