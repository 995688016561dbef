import type { KeyJobKind, Stores, Transactor } from '../../storage/index.js';
import type { KeyService } from '../key-service.js';
import type { RecordCrypto } from '../records/index.js';
import type { JobHandler } from './job-handler.js';
import { createIndexRebuild } from './rebuild-indexes.js';
import { createRecordReencryption } from './reencrypt-records.js';
import { createDataKeyRewrap } from './rewrap-data-keys.js';

export { startEmailReindex } from './email-reindex.js';
export type { JobHandler } from './job-handler.js';
export { createKeyJobRunner, type KeyJobRunner, type KeyJobRunnerOptions } from './job-runner.js';
export {
  createKeyRotation,
  KEY_JOB_LIST_LIMIT,
  type KeyRotation,
  type RotationTarget,
} from './key-rotation.js';

/** The handler of each kind of key job. */
export function createKeyJobHandlers(deps: {
  transactor: Transactor;
  stores: Stores;
  keys: KeyService;
  crypto: RecordCrypto;
}): Record<KeyJobKind, JobHandler> {
  return {
    master: createDataKeyRewrap(deps),
    collection: createRecordReencryption(deps),
    index: createIndexRebuild(deps),
  };
}
