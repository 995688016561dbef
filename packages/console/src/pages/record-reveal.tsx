/**
 * Revealing a record's sensitive values: choose the fields, state a purpose (required before anything is sent),
 * read that the reveal is audited, then see the values until "Hide values".
 */
import type { components } from '@strongroom/client';
import { useState } from 'preact/hooks';
import { call, type StrongroomClient } from '../api.js';
import { CheckField, ErrorNote, Loading, SelectField, TextField } from '../components/common.js';
import { useAction, useLoad } from '../components/use-load.js';
import { showValue } from '../lib/show-value.js';
import { useSession } from '../session-context.js';

type Collection = components['schemas']['Collection'];
type StoredRecord = components['schemas']['Record'];

/** The purposes the policy names, when the caller may read it; null otherwise (then the purpose is typed). */
async function loadPurposes(client: StrongroomClient): Promise<string[] | null> {
  const { data } = await client.GET('/v1/policies/current');
  return data?.document.purposes ?? null;
}

export function RevealForm(props: { collection: Collection; record: StoredRecord; onClose(): void }) {
  const { client } = useSession();
  // The subject id is revealed by name too (`subject`), like a sensitive field.
  const sensitive = [
    'subject',
    ...props.collection.fields.filter((field) => field.sensitive).map((field) => field.name),
  ];
  const [chosen, setChosen] = useState<string[]>(sensitive);
  const [purpose, setPurpose] = useState('');
  const [revealed, setRevealed] = useState<StoredRecord | null>(null);
  const purposes = useLoad(loadPurposes);
  const action = useAction();
  const short = props.record.id.slice(0, 8);

  const reveal = (event: Event) => {
    event.preventDefault();
    if (purpose === '') return;
    void action.run(async () => {
      const params = {
        path: { collection: props.collection.name, id: props.record.id },
        query: chosen.length === 0 ? {} : { reveal: chosen.join(',') },
      };
      setRevealed(await call(client.GET('/v1/collections/{collection}/records/{id}', { params, purpose })));
    });
  };

  return (
    <section aria-labelledby="reveal-title" class="note">
      <h2 id="reveal-title">Reveal record {short}</h2>
      <p role="note">
        <strong>This reveal is audited.</strong> Your user, the purpose you state, the record and each field
        revealed are written to the tamper-evident audit trail (<code>record.read</code>), where an auditor
        can see it.
      </p>
      {revealed === null ? (
        <form onSubmit={reveal}>
          <fieldset>
            <legend>Fields to reveal</legend>
            {sensitive.map((name) => (
              <CheckField
                key={name}
                label={name}
                checked={chosen.includes(name)}
                onChange={(on) => setChosen(on ? [...chosen, name] : chosen.filter((n) => n !== name))}
              />
            ))}
          </fieldset>
          {purposes.loading ? (
            <Loading loading />
          ) : purposes.data !== null && purposes.data.length > 0 ? (
            <SelectField
              label="Purpose"
              value={purpose}
              options={[{ value: '', label: 'Choose a purpose' }, ...purposes.data]}
              onChange={setPurpose}
            />
          ) : (
            <TextField
              label="Purpose"
              value={purpose}
              onInput={setPurpose}
              required
              hint="One of the purposes the policy configures, e.g. support."
            />
          )}
          <div class="actions">
            <button type="submit" disabled={action.busy || purpose === ''}>
              Reveal values
            </button>
            <button type="button" class="secondary" onClick={props.onClose}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <RevealedValues record={revealed} purpose={purpose} onHide={props.onClose} />
      )}
      <ErrorNote error={action.error} />
    </section>
  );
}

function RevealedValues(props: { record: StoredRecord; purpose: string; onHide(): void }) {
  const { record } = props;
  return (
    <>
      <p role="status">
        Revealed for purpose <strong>{props.purpose}</strong>; recorded in the audit trail.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            <th scope="col">Shown as</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">subject</th>
            <td class="mono">{record.subject ?? '—'}</td>
            <td />
          </tr>
          {Object.entries(record.fields).map(([name, value]) => (
            <tr key={name}>
              <th scope="row" class="mono">
                {name}
              </th>
              <td class="mono">{showValue(value, record.redaction[name])}</td>
              <td>{record.withheld[name] ?? record.redaction[name] ?? 'not sensitive'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={props.onHide}>
        Hide values
      </button>
    </>
  );
}
