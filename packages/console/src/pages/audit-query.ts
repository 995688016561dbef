/** The audit page's filters, turned into one call: GET /v1/audit/events, or the subject search when a subject is named. */
import type { components, operations } from '@strongroom/client';
import { call, type StrongroomClient } from '../api.js';

export type AuditEvent = components['schemas']['AuditEvent'];
type Query = NonNullable<operations['listAuditEvents']['parameters']['query']>;
export type AuditAction = NonNullable<Query['action']>;
export type AuditOutcome = NonNullable<Query['outcome']>;

export interface AuditFilters {
  since: string;
  until: string;
  actor: string;
  action: string;
  outcome: string;
  subject: string;
}

export const NO_FILTERS: AuditFilters = {
  since: '',
  until: '',
  actor: '',
  action: '',
  outcome: '',
  subject: '',
};

/** A `datetime-local` value (the viewer's zone) as an ISO instant; empty stays absent. */
export function toInstant(local: string): string | undefined {
  if (local === '') return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** The query parameters of `filters` (the subject aside), absent members left out. */
export function toQuery(filters: AuditFilters, cursor?: string, limit = 100): Query {
  const query: Query = { limit };
  const since = toInstant(filters.since);
  const until = toInstant(filters.until);
  if (since !== undefined) query.since = since;
  if (until !== undefined) query.until = until;
  if (filters.actor.trim() !== '') query.actor = filters.actor.trim();
  if (filters.action !== '') query.action = filters.action as AuditAction;
  if (filters.outcome !== '') query.outcome = filters.outcome as AuditOutcome;
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

/** One page of events matching `filters`. */
export async function queryEvents(
  client: StrongroomClient,
  filters: AuditFilters,
  cursor?: string,
  limit?: number,
): Promise<{ events: AuditEvent[]; next_cursor: string | null }> {
  const query = toQuery(filters, cursor, limit);
  const subject = filters.subject.trim();
  if (subject === '') return call(client.GET('/v1/audit/events', { params: { query } }));
  // The subject id is personal data: it goes in the body, never the URL; the server matches its HMAC.
  return call(client.POST('/v1/audit/events/search', { body: { ...query, subject } }));
}
