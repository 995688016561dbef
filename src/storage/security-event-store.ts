import type { Kysely } from 'kysely';
import { decodeNullableScalarRecord } from './json-column.js';
import type { Database } from './schema.js';

export interface SecurityEvent {
  id: string;
  occurredAt: number;
  type: string;
  userId: string | null;
  sessionId: string | null;
  apiKeyId: string | null;
  clientAddress: string | null;
  /** Identifiers only (never a credential or a submitted value). */
  detail: Record<string, string | number | boolean | null>;
}

export function createSecurityEventStore(db: Kysely<Database>) {
  return {
    async insert(event: SecurityEvent): Promise<void> {
      await db
        .insertInto('security_events')
        .values({
          id: event.id,
          occurred_at: event.occurredAt,
          type: event.type,
          user_id: event.userId,
          session_id: event.sessionId,
          api_key_id: event.apiKeyId,
          client_address: event.clientAddress,
          detail: JSON.stringify(event.detail),
        })
        .execute();
    },
    async list(filter: { type?: string } = {}): Promise<SecurityEvent[]> {
      let query = db.selectFrom('security_events').selectAll();
      if (filter.type !== undefined) query = query.where('type', '=', filter.type);
      const rows = await query.orderBy('occurred_at').orderBy('id').execute();
      return rows.map((r) => ({
        id: r.id,
        occurredAt: r.occurred_at,
        type: r.type,
        userId: r.user_id,
        sessionId: r.session_id,
        apiKeyId: r.api_key_id,
        clientAddress: r.client_address,
        detail: decodeNullableScalarRecord('security_events.detail', r.detail),
      }));
    },
  };
}

export type SecurityEventStore = ReturnType<typeof createSecurityEventStore>;
