/**
 * Records: access decisions, field crypto, writing, reading, and the helpers the token service and the key jobs
 * share with them (facts of a stored record, where its values are sealed, a caller's audit identity).
 */

export { type Caller, purposeOf, systemCaller } from './caller.js';
export { allowedEvent, auditBase } from './caller-audit.js';
export { assertCollectionLive, holdLiveCollection } from './live-collection.js';
export {
  MAX_PAGE,
  type ReadOptions,
  type RecordPage,
  type RecordView,
  type RedactionLevel,
} from './read-model.js';
export { createRecordAccess, type RecordAccess } from './record-access.js';
export {
  createRecordCrypto,
  indexedText,
  type RecordCrypto,
  type RecordLocation,
  SUBJECT_FIELD,
} from './record-crypto.js';
export { factsOf, type RecordFacts } from './record-facts.js';
export { findVisibleRecord } from './record-lookup.js';
export { createRecordReader, type RecordReader } from './record-reader.js';
export { createRecordService, type RecordService } from './record-service.js';
export { inAuditedTransaction } from './record-transaction.js';
export { contentOf, locationOf, openFieldsOf, sealedFieldsOf } from './stored-record.js';
