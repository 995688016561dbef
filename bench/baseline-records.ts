/**
 * The policy-audit benchmark's baseline: record reads and writes decided `allow, plain` for every field (every
 * RecordAccess method goes through the decision, so all are covered) and audited nowhere (`record` and
 * `appendInTransaction` write nothing). It is a dependency of the core that only bench/ passes (CoreDeps.records):
 * config, environment and CLI cannot reach it.
 */
import type { RecordPipeline, StandardRecordPipeline } from '../src/core/index.js';
import type { Decision } from '../src/policy/index.js';
import { createRecordAccess } from '../src/services/index.js';

const ALLOW_PLAIN: Decision = { allow: true, redaction: 'plain' };

export function baselineRecords(standard: StandardRecordPipeline): RecordPipeline {
  return {
    access: createRecordAccess({
      authorizer: { ...standard.authorizer, decide: (): Decision => ALLOW_PLAIN },
    }),
    audit: { ...standard.audit, record: async () => undefined, appendInTransaction: async () => [] },
  };
}
