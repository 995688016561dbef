/** A new record of a collection: one input per field, typed as the field's definition says. */
import type { components } from '@strongroom/client';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { CheckField, ErrorNote, TextField } from '../components/common.js';
import { useAction } from '../components/use-load.js';
import { toFieldValue } from '../lib/form-values.js';
import { useSession } from '../session-context.js';

type Collection = components['schemas']['Collection'];
type Value = string | number | boolean | null;

export function CreateRecord(props: { collection: Collection; onCreated(): void }) {
  const { client } = useSession();
  const action = useAction();
  const [subject, setSubject] = useState('');
  const [inputs, setInputs] = useState<Record<string, string | boolean>>({});
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const fields: Record<string, Value> = {};
      for (const field of props.collection.fields) {
        const value = toFieldValue(field.type, inputs[field.name] ?? (field.type === 'boolean' ? false : ''));
        if (value !== undefined) fields[field.name] = value;
      }
      const body = subject === '' ? { fields } : { subject, fields };
      await call(
        client.POST('/v1/collections/{collection}/records', {
          params: { path: { collection: props.collection.name } },
          body,
        }),
      );
      setInputs({});
      setSubject('');
      props.onCreated();
    });
  };
  return (
    <details>
      <summary>Create a record</summary>
      <form onSubmit={submit}>
        <TextField
          label="Subject"
          value={subject}
          onInput={setSubject}
          hint="The data subject's id (optional): what erasure and the audit trail find the record by."
        />
        {props.collection.fields.map((field) =>
          field.type === 'boolean' ? (
            <CheckField
              key={field.name}
              label={field.name}
              checked={inputs[field.name] === true}
              onChange={(checked) => setInputs({ ...inputs, [field.name]: checked })}
            />
          ) : (
            <TextField
              key={field.name}
              label={field.name}
              value={String(inputs[field.name] ?? '')}
              onInput={(value) => setInputs({ ...inputs, [field.name]: value })}
              required={field.required}
              hint={`${field.type}${field.sensitive ? ', sensitive (encrypted, masked when read)' : ''}`}
            />
          ),
        )}
        <button type="submit" disabled={action.busy}>
          Create record
        </button>
      </form>
      <ErrorNote error={action.error} />
    </details>
  );
}
