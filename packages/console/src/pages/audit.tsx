/** Audit: filter the trail (time, actor, action, outcome, subject), page through it, export it, verify the chain. */
import { useState } from 'preact/hooks';
import { ErrorNote, PageHeading, SelectField, TextField, Time } from '../components/common.js';
import { useAction } from '../components/use-load.js';
import { useSession } from '../session-context.js';
import {
  type AuditAction,
  type AuditEvent,
  type AuditFilters,
  type AuditOutcome,
  NO_FILTERS,
  queryEvents,
} from './audit-query.js';
import { ChainStatus } from './audit-verify.js';

const ACTIONS = [
  'auth.login',
  'auth.lockout',
  'auth.refresh',
  'auth.refresh_reuse',
  'auth.logout',
  'auth.password_change',
  'auth.credential_exposed',
  'auth.introspect',
  'api_key.create',
  'api_key.revoke',
  'user.create',
  'user.update',
  'user.delete',
  'user.password_reset',
  'policy.update',
  'collection.create',
  'collection.update',
  'collection.drop',
  'collection.read',
  'record.create',
  'record.read',
  'record.list',
  'record.search',
  'record.update',
  'record.delete',
  'record.tokenize',
  'record.detokenize',
  'token.delete',
  'subject.erase',
  'key.rotate',
  'key.read',
  'audit.query',
  'audit.hash',
  'audit.export',
  'audit.checkpoints',
] as const satisfies readonly AuditAction[];
const OUTCOMES = [
  'allowed',
  'denied',
  'rate_limited',
  'failed',
  'not_found',
] as const satisfies readonly AuditOutcome[];
const EXPORT_PAGES = 20;

export function AuditPage() {
  const { client } = useSession();
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const search = useAction();
  const exporting = useAction();
  const set = (name: keyof AuditFilters) => (value: string) => setFilters({ ...filters, [name]: value });

  const run = (event: Event) => {
    event.preventDefault();
    void search.run(async () => {
      const page = await queryEvents(client, filters);
      setEvents(page.events);
      setCursor(page.next_cursor);
    });
  };
  const more = () =>
    search.run(async () => {
      if (cursor === null) return;
      const page = await queryEvents(client, filters, cursor);
      setEvents([...(events ?? []), ...page.events]);
      setCursor(page.next_cursor);
    });
  const exportJsonl = () =>
    exporting.run(async () => {
      const lines: string[] = [];
      let next: string | undefined;
      for (let page = 0; page < EXPORT_PAGES; page++) {
        const answer = await queryEvents(client, filters, next, 500);
        for (const item of answer.events) lines.push(JSON.stringify(item));
        if (answer.next_cursor === null) break;
        next = answer.next_cursor;
      }
      const link = document.createElement('a');
      link.href = URL.createObjectURL(
        new Blob([lines.map((l) => `${l}\n`).join('')], { type: 'application/jsonl' }),
      );
      link.download = `strongroom-audit-${new Date().toISOString().replaceAll(':', '-')}.jsonl`;
      link.click();
      URL.revokeObjectURL(link.href);
    });

  return (
    <>
      <PageHeading>Audit</PageHeading>
      <form onSubmit={run} aria-labelledby="audit-filters">
        <h2 id="audit-filters">Filters</h2>
        <div class="row">
          <TextField label="Since" type="datetime-local" value={filters.since} onInput={set('since')} />
          <TextField label="Until" type="datetime-local" value={filters.until} onInput={set('until')} />
          <TextField
            label="Actor"
            value={filters.actor}
            onInput={set('actor')}
            hint="As events name it: user:<id>."
          />
          <SelectField
            label="Action"
            value={filters.action}
            options={['', ...ACTIONS]}
            onChange={set('action')}
          />
          <SelectField
            label="Outcome"
            value={filters.outcome}
            options={['', ...OUTCOMES]}
            onChange={set('outcome')}
          />
          <TextField
            label="Subject"
            value={filters.subject}
            onInput={set('subject')}
            hint="A data subject's id: sent in the body, matched by its HMAC (the trail never holds it)."
          />
        </div>
        <div class="actions">
          <button type="submit" disabled={search.busy}>
            Search events
          </button>
          <button type="button" class="secondary" disabled={exporting.busy} onClick={exportJsonl}>
            Export JSONL
          </button>
        </div>
      </form>
      <ErrorNote error={search.error ?? exporting.error} />
      {events !== null && <EventTable events={events} />}
      {cursor !== null && (
        <button type="button" class="secondary" disabled={search.busy} onClick={more}>
          Load more events
        </button>
      )}
      <ChainStatus />
    </>
  );
}

function EventTable(props: { events: AuditEvent[] }) {
  if (props.events.length === 0) return <p role="status">No events match.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="small">{props.events.length} events, in seq order</caption>
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Resource</th>
            <th scope="col">Purpose</th>
            <th scope="col">Released</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((event) => (
            <tr key={event.seq}>
              <th scope="row">{event.seq}</th>
              <td>
                <Time value={event.time} />
              </td>
              <td class="mono">{event.actor ?? 'anonymous'}</td>
              <td class="mono">{event.action}</td>
              <td>
                {event.outcome}
                {event.reason !== undefined && <div class="small">{event.reason.code}</div>}
              </td>
              <td class="mono">
                {[
                  event.resource.collection,
                  event.resource.record_id?.slice(0, 8),
                  event.resource.fields?.join(', '),
                ]
                  .filter(Boolean)
                  .join(' · ') || '—'}
              </td>
              <td>{event.purpose ?? '—'}</td>
              <td class="mono">
                {event.release === undefined
                  ? '—'
                  : Object.entries(event.release)
                      .map(([field, level]) => `${field}: ${level}`)
                      .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
