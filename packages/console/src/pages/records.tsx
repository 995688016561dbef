/**
 * A collection's records, masked as the policy shows them to the caller. Revealing values asks for a purpose
 * first and says that it is audited; the purpose goes in `X-Access-Purpose`, the fields in `reveal`, and the
 * values stay on screen only until "Hide values" (they are never kept beyond this component).
 */
import type { components } from '@strongroom/client';
import { useState } from 'preact/hooks';
import { call, type StrongroomClient } from '../api.js';
import { ErrorNote, Loading, PageHeading } from '../components/common.js';
import { useLoad } from '../components/use-load.js';
import { showValue } from '../lib/show-value.js';
import { hrefOf } from '../router.js';
import { CreateRecord } from './record-create.js';
import { RevealForm } from './record-reveal.js';

type Collection = components['schemas']['Collection'];
type StoredRecord = components['schemas']['Record'];

async function loadCollection(client: StrongroomClient, name: string) {
  const path = { collection: name };
  const [collection, page] = await Promise.all([
    call(client.GET('/v1/collections/{collection}', { params: { path } })),
    call(client.GET('/v1/collections/{collection}/records', { params: { path, query: { limit: 50 } } })),
  ]);
  return { collection, records: page.records, more: page.next_cursor !== null };
}

export function RecordsPage(props: { collection: string }) {
  const loaded = useLoad((client) => loadCollection(client, props.collection), [props.collection]);
  const [revealing, setRevealing] = useState<StoredRecord | null>(null);
  return (
    <>
      <PageHeading>Records of {props.collection}</PageHeading>
      <p>
        <a href={hrefOf('collections')}>All collections</a>
      </p>
      <Loading loading={loaded.loading} />
      <ErrorNote error={loaded.error} />
      {loaded.data !== null && (
        <>
          <CreateRecord collection={loaded.data.collection} onCreated={loaded.reload} />
          <h2>Records (masked)</h2>
          <p class="small">
            Sensitive values are shown masked or withheld, as the policy decides for you. Reveal a record to
            see them in plain: that asks for a purpose and is recorded in the audit trail.
          </p>
          <RecordTable
            collection={loaded.data.collection}
            records={loaded.data.records}
            onReveal={setRevealing}
          />
          {loaded.data.more && <p class="small">The first 50 records are shown.</p>}
          {revealing !== null && (
            <RevealForm
              key={revealing.id}
              collection={loaded.data.collection}
              record={revealing}
              onClose={() => setRevealing(null)}
            />
          )}
        </>
      )}
    </>
  );
}

function RecordTable(props: {
  collection: Collection;
  records: StoredRecord[];
  onReveal(r: StoredRecord): void;
}) {
  const { fields } = props.collection;
  if (props.records.length === 0) return <p>No records yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">Subject</th>
            {fields.map((field) => (
              <th scope="col" key={field.name}>
                {field.name}
              </th>
            ))}
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.records.map((record) => (
            <tr key={record.id}>
              <th scope="row" class="mono" title={record.id}>
                {record.id.slice(0, 8)}
              </th>
              <td class="mono">{record.subject ?? '—'}</td>
              {fields.map((field) => (
                <td key={field.name} class="mono">
                  {record.withheld[field.name] !== undefined ? (
                    <span class="muted">withheld ({record.withheld[field.name]})</span>
                  ) : (
                    showValue(record.fields[field.name], record.redaction[field.name])
                  )}
                </td>
              ))}
              <td>
                <button
                  type="button"
                  class="secondary"
                  aria-label={`Reveal record ${record.id.slice(0, 8)}`}
                  onClick={() => props.onReveal(record)}
                >
                  Reveal
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
