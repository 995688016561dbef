/**
 * The filters of an audit event query, shared by `GET /v1/audit/events` (query string) and
 * `POST /v1/audit/events/search` (body): one schema of properties and one conversion to the store's filter.
 */
import { AppError } from '../errors.js';
import { AUDIT_ACTIONS } from '../services/audit/index.js';
import type { AuditEventFilter } from '../storage/index.js';
import { identifier, OUTCOMES, seqCursor } from './audit-schemas.js';
import { pageLimit, timestamp } from './schema-bounds.js';

export interface EventQuery {
  actor?: string;
  action?: string;
  collection?: string;
  record_id?: string;
  outcome?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

export const MAX_EVENT_PAGE = 500;
export const DEFAULT_EVENT_PAGE = 100;

/** The schema properties of the filters. */
export const eventQueryProperties = {
  actor: identifier,
  action: { type: 'string', enum: [...AUDIT_ACTIONS] },
  collection: identifier,
  record_id: identifier,
  outcome: { type: 'string', enum: [...OUTCOMES] },
  since: { ...timestamp, description: 'Inclusive' },
  until: { ...timestamp, description: 'Exclusive' },
  cursor: { ...seqCursor, description: 'next_cursor of the previous page' },
  limit: { ...pageLimit(MAX_EVENT_PAGE), description: `1–${MAX_EVENT_PAGE}, default ${DEFAULT_EVENT_PAGE}` },
} as const;

function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AppError('VALIDATION_FAILED', { field });
  return ms;
}

/** The store filter of `q`; `at` names where the filters came from (`querystring` or `body`) in errors. */
export function toEventFilter(q: EventQuery, at: 'querystring' | 'body'): AuditEventFilter {
  const since = parseTime(q.since, `${at}.since`);
  const until = parseTime(q.until, `${at}.until`);
  return {
    ...(q.actor === undefined ? {} : { actor: q.actor }),
    ...(q.action === undefined ? {} : { action: q.action }),
    ...(q.collection === undefined ? {} : { collection: q.collection }),
    ...(q.record_id === undefined ? {} : { recordId: q.record_id }),
    ...(q.outcome === undefined ? {} : { outcome: q.outcome }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(q.cursor === undefined ? {} : { afterSeq: Number(q.cursor) }),
  };
}
