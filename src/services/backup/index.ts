export type { BackupManifest } from './backup-format.js';
export { generateBackupKey, readBackupKey } from './backup-key.js';
export { createBackup } from './create-backup.js';
export { type AuditHead, type ErasureLog, parseAuditHead } from './erasure-log.js';
export type { ReplayResult } from './erasure-replay.js';
export { replayErasureLog } from './replay-erasure-log.js';
export { type RestoreResult, restoreBackup, verifyBackup } from './restore-backup.js';
