export { type Core, type CoreDeps, createCore } from './create-core.js';
export type { RecordPipeline, StandardRecordPipeline } from './vault.js';
