/**
 * API keys: the signed-in user's own, or (as an administrator) a service account's. A new key is shown once with
 * a copy button; the list never holds a key, only its name, roles and times.
 */
import type { components } from '@strongroom/client';
import { useState } from 'preact/hooks';
import { call, type StrongroomClient } from '../api.js';
import {
  ErrorNote,
  Loading,
  PageHeading,
  SecretOnce,
  SelectField,
  TextField,
  Time,
} from '../components/common.js';
import { useAction, useLoad } from '../components/use-load.js';
import { parseRoles } from '../lib/form-values.js';
import { hrefOf } from '../router.js';
import { useSession } from '../session-context.js';

type ApiKey = components['schemas']['ApiKey'];
type Owner = { kind: 'me' } | { kind: 'service'; id: string };

const MINE = 'mine';

async function listKeys(client: StrongroomClient, owner: Owner): Promise<ApiKey[]> {
  if (owner.kind === 'me') return (await call(client.GET('/v1/api-keys'))).api_keys;
  const path = { id: owner.id };
  return (await call(client.GET('/v1/users/{id}/api-keys', { params: { path } }))).api_keys;
}

/** The service accounts the caller may see (none when listing users is refused: then only "mine"). */
async function listServiceAccounts(client: StrongroomClient): Promise<{ id: string; username: string }[]> {
  const { data } = await client.GET('/v1/users', { params: { query: { limit: 100 } } });
  return (data?.users ?? []).filter((user) => user.service === true);
}

export function ApiKeysPage(props: { route: string[] }) {
  const ownerId = props.route[0];
  const owner: Owner = ownerId === undefined ? { kind: 'me' } : { kind: 'service', id: ownerId };
  const keys = useLoad((client) => listKeys(client, owner), [ownerId]);
  const accounts = useLoad(listServiceAccounts);
  const [created, setCreated] = useState<string | null>(null);
  const ownerName =
    owner.kind === 'me' ? 'mine' : (accounts.data?.find((a) => a.id === owner.id)?.username ?? owner.id);
  return (
    <>
      <PageHeading>API keys</PageHeading>
      <SelectField
        label="Whose keys"
        value={ownerId ?? MINE}
        options={[
          { value: MINE, label: 'Mine' },
          ...(accounts.data ?? []).map((a) => ({ value: a.id, label: `Service account ${a.username}` })),
        ]}
        onChange={(value) => {
          setCreated(null);
          globalThis.location.hash = value === MINE ? hrefOf('api-keys') : hrefOf('api-keys', value);
        }}
      />
      {created !== null && <SecretOnce label="New API key" value={created} onDone={() => setCreated(null)} />}
      <CreateKey
        owner={owner}
        onCreated={(key) => {
          setCreated(key);
          keys.reload();
        }}
      />
      <h2>Keys ({ownerName})</h2>
      <Loading loading={keys.loading} />
      <ErrorNote error={keys.error} />
      {keys.data !== null && <KeyTable keys={keys.data} owner={owner} onRevoked={keys.reload} />}
    </>
  );
}

function CreateKey(props: { owner: Owner; onCreated(key: string): void }) {
  const { client } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [roles, setRoles] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const restricted = parseRoles(roles);
      const body = {
        name,
        expires_in: Math.round(Number(days) * 86_400),
        ...(restricted.length === 0 ? {} : { roles: restricted }),
      };
      const answer =
        props.owner.kind === 'me'
          ? await call(client.POST('/v1/api-keys', { body }))
          : await call(
              client.POST('/v1/users/{id}/api-keys', { params: { path: { id: props.owner.id } }, body }),
            );
      setName('');
      props.onCreated(answer.key);
    });
  };
  return (
    <section aria-labelledby="create-key">
      <h2 id="create-key">Create a key</h2>
      <form onSubmit={submit}>
        <div class="row">
          <TextField label="Key name" value={name} onInput={setName} required />
          <TextField
            label="Expires in days"
            type="number"
            value={days}
            onInput={setDays}
            hint="At most 365."
          />
          <TextField
            label="Restrict to roles"
            value={roles}
            onInput={setRoles}
            hint="Empty: all of the owner's roles."
          />
        </div>
        <button type="submit" disabled={action.busy}>
          Create key
        </button>
      </form>
      <ErrorNote error={action.error} />
    </section>
  );
}

function KeyTable(props: { keys: ApiKey[]; owner: Owner; onRevoked(): void }) {
  const { client } = useSession();
  const action = useAction();
  const revoke = (key: ApiKey) =>
    action.run(async () => {
      if (props.owner.kind === 'me') {
        await call(client.DELETE('/v1/api-keys/{id}', { params: { path: { id: key.id } } }));
      } else {
        const path = { id: props.owner.id, key: key.id };
        await call(client.DELETE('/v1/users/{id}/api-keys/{key}', { params: { path } }));
      }
      props.onRevoked();
    });
  if (props.keys.length === 0) return <p>No keys.</p>;
  return (
    <div class="table-wrap">
      <ErrorNote error={action.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Roles</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => (
            <tr key={key.id}>
              <th scope="row">{key.name}</th>
              <td>{key.roles === null ? <span class="muted">all</span> : key.roles.join(', ')}</td>
              <td>
                <Time value={key.created_at} />
              </td>
              <td>
                <Time value={key.expires_at} />
              </td>
              <td>
                <Time value={key.last_used_at} />
              </td>
              <td>
                <button
                  type="button"
                  class="danger"
                  aria-label={`Revoke ${key.name}`}
                  disabled={action.busy}
                  onClick={() => revoke(key)}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
