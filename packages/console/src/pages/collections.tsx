/** Collections: their fields (type, sensitive, searchable, required), creating one, and a link to its records. */
import type { components } from '@strongroom/client';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import {
  CheckField,
  ErrorNote,
  Loading,
  PageHeading,
  SelectField,
  TextField,
  Time,
} from '../components/common.js';
import { useAction, useLoad } from '../components/use-load.js';
import { hrefOf } from '../router.js';
import { useSession } from '../session-context.js';
import { RecordsPage } from './records.js';

type Collection = components['schemas']['Collection'];
type FieldType = Collection['fields'][number]['type'];
interface FieldDraft {
  name: string;
  type: FieldType;
  sensitive: boolean;
  searchable: boolean;
  required: boolean;
}

export const FIELD_TYPES: readonly FieldType[] = [
  'string',
  'text',
  'integer',
  'boolean',
  'date',
  'email',
  'phone',
  'ssn',
  'card_number',
  'iban',
  'name',
  'address',
];

/** `#/collections` lists them; `#/collections/<name>` browses that collection's records. */
export function CollectionsPage(props: { route: string[] }) {
  const name = props.route[0];
  if (name !== undefined) return <RecordsPage collection={name} />;
  return <CollectionList />;
}

function CollectionList() {
  const collections = useLoad(async (client) => (await call(client.GET('/v1/collections'))).collections);
  return (
    <>
      <PageHeading>Collections</PageHeading>
      <CreateCollection onCreated={collections.reload} />
      <h2>All collections</h2>
      <Loading loading={collections.loading} />
      <ErrorNote error={collections.error} />
      {collections.data?.length === 0 && <p>No collections yet.</p>}
      {collections.data?.map((collection) => (
        <section key={collection.id} aria-labelledby={`collection-${collection.id}`}>
          <h3 id={`collection-${collection.id}`}>
            <a href={hrefOf('collections', collection.name)}>{collection.name}</a>
          </h3>
          <p class="small">
            Created <Time value={collection.created_at} /> ·{' '}
            <a href={hrefOf('collections', collection.name)}>Browse records of {collection.name}</a>
          </p>
          <FieldTable collection={collection} />
        </section>
      ))}
    </>
  );
}

function FieldTable(props: { collection: Collection }) {
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  return (
    <div class="table-wrap">
      <table>
        <caption class="small">Fields of {props.collection.name}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Sensitive</th>
            <th scope="col">Searchable</th>
            <th scope="col">Required</th>
          </tr>
        </thead>
        <tbody>
          {props.collection.fields.map((field) => (
            <tr key={field.name}>
              <th scope="row" class="mono">
                {field.name}
              </th>
              <td>{field.type}</td>
              <td>{yesNo(field.sensitive)}</td>
              <td>{yesNo(field.searchable)}</td>
              <td>{yesNo(field.required)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const emptyField = (): FieldDraft => ({
  name: '',
  type: 'string',
  sensitive: false,
  searchable: false,
  required: false,
});

function CreateCollection(props: { onCreated(): void }) {
  const { client } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [fields, setFields] = useState<FieldDraft[]>([emptyField()]);
  const update = (index: number, change: Partial<FieldDraft>) =>
    setFields(fields.map((field, i) => (i === index ? { ...field, ...change } : field)));
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await call(client.POST('/v1/collections', { body: { name, fields } }));
      setName('');
      setFields([emptyField()]);
      props.onCreated();
    });
  };
  return (
    <section aria-labelledby="create-collection">
      <h2 id="create-collection">Create a collection</h2>
      <form onSubmit={submit}>
        <TextField label="Collection name" value={name} onInput={setName} required />
        {fields.map((field, index) => (
          <fieldset key={index} class="row">
            <legend>Field {index + 1}</legend>
            <TextField
              label={`Field ${index + 1} name`}
              value={field.name}
              onInput={(value) => update(index, { name: value })}
              required
            />
            <SelectField
              label={`Field ${index + 1} type`}
              value={field.type}
              options={FIELD_TYPES}
              onChange={(value) => update(index, { type: value as FieldType })}
            />
            <CheckField
              label={`Field ${index + 1} sensitive`}
              checked={field.sensitive}
              onChange={(checked) =>
                update(index, { sensitive: checked, searchable: checked && field.searchable })
              }
            />
            <CheckField
              label={`Field ${index + 1} searchable`}
              checked={field.searchable}
              onChange={(checked) =>
                update(index, { searchable: checked, sensitive: checked || field.sensitive })
              }
            />
            <CheckField
              label={`Field ${index + 1} required`}
              checked={field.required}
              onChange={(checked) => update(index, { required: checked })}
            />
            {fields.length > 1 && (
              <button
                type="button"
                class="secondary"
                onClick={() => setFields(fields.filter((_, i) => i !== index))}
              >
                Remove field {index + 1}
              </button>
            )}
          </fieldset>
        ))}
        <div class="actions">
          <button type="button" class="secondary" onClick={() => setFields([...fields, emptyField()])}>
            Add field
          </button>
          <button type="submit" disabled={action.busy}>
            Create collection
          </button>
        </div>
        <p class="hint">Searchable fields are sensitive ones with a blind index (exact match).</p>
      </form>
      <ErrorNote error={action.error} />
    </section>
  );
}
