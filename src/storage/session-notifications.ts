/**
 * The revocation bus over PostgreSQL LISTEN/NOTIFY, for nodes that share a PostgreSQL database but no Redis. One
 * connection per node of its own (a pooled one would stop listening when returned) listens on a channel named for
 * the schema, so test runs and installations in other schemas of the same database never hear each other. Sends go
 * through the pool (`pg_notify`). A lost listening connection is reported at once and reconnected with a capped
 * backoff; the bus makes the node read the database until it listens again (see state/revocation-bus.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

const MAX_BACKOFF_MS = 2000;

/** The NOTIFY channel of a schema: an identifier well under PostgreSQL's 63 bytes, whatever the schema's name. */
export function notificationChannelOf(schema: string | null): string {
  const digest = createHash('sha256')
    .update(schema ?? '')
    .digest('hex')
    .slice(0, 16);
  return `strongroom_revocations_${digest}`;
}

export function createPgInvalidationChannel(options: {
  db: Kysely<Database>;
  url: string;
  schema: string | null;
  connectTimeoutMs: number;
  onError?: (error: Error) => void;
}) {
  const channel = notificationChannelOf(options.schema);
  const connectionName = `strongroom:revocations:${randomUUID().slice(0, 8)}`;
  let client: pg.Client | null = null;
  let closing = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;

  function connect(handlers: { message: (text: string) => void; state: (live: boolean) => void }): void {
    if (closing) return;
    const next = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      application_name: connectionName,
      keepAlive: true,
    });
    client = next;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (error !== undefined) options.onError?.(error);
      handlers.state(false);
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      if (closing) return;
      const delay = Math.min(100 * 2 ** attempt++, MAX_BACKOFF_MS);
      timer = setTimeout(() => connect(handlers), delay);
      timer.unref();
    };
    next.on('error', onLost);
    next.on('end', () => onLost());
    next.on('notification', (note) => {
      if (note.channel === channel && note.payload !== undefined) handlers.message(note.payload);
    });
    next
      .connect()
      .then(() => next.query(`LISTEN ${pg.escapeIdentifier(channel)}`))
      .then(() => {
        if (lost || closing) return;
        attempt = 0;
        handlers.state(true);
      })
      .catch((error: Error) => onLost(error));
  }

  return {
    connectionName,
    async send(message: string): Promise<void> {
      await sql`select pg_notify(${channel}, ${message})`.execute(options.db);
    },
    listen(handlers: { message: (text: string) => void; state: (live: boolean) => void }): void {
      connect(handlers);
    },
    async close(): Promise<void> {
      closing = true;
      if (timer !== null) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
