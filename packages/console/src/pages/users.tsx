/** Users: list, create (a person or a service account), disable and enable, roles, reset a password. */
import type { components } from '@strongroom/client';
import { useState } from 'preact/hooks';
import { call, type StrongroomClient } from '../api.js';
import {
  CheckField,
  ErrorNote,
  Loading,
  PageHeading,
  SecretOnce,
  TextField,
  Time,
} from '../components/common.js';
import { useAction, useLoad } from '../components/use-load.js';
import { parseRoles } from '../lib/form-values.js';
import { hrefOf } from '../router.js';
import { useSession } from '../session-context.js';

type User = components['schemas']['User'];

/** Every user, page after page (the server pages at most 100 a call). */
async function listUsers(client: StrongroomClient): Promise<User[]> {
  const users: User[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const query = cursor === undefined ? { limit: 100 } : { limit: 100, cursor };
    const answer = await call(client.GET('/v1/users', { params: { query } }));
    users.push(...answer.users);
    if (answer.next_cursor === null) break;
    cursor = answer.next_cursor;
  }
  return users;
}

export function UsersPage() {
  const users = useLoad(listUsers);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  return (
    <>
      <PageHeading>Users</PageHeading>
      {secret !== null && (
        <SecretOnce label={secret.label} value={secret.value} onDone={() => setSecret(null)} />
      )}
      <CreateUser onCreated={users.reload} />
      <h2>All users</h2>
      <Loading loading={users.loading} />
      <ErrorNote error={users.error} />
      {users.data !== null && (
        <div class="table-wrap">
          <table>
            <caption class="small">{users.data.length} users</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <UserRow key={user.id} user={user} onChanged={users.reload} onSecret={setSecret} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function CreateUser(props: { onCreated(): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState('user');
  const [service, setService] = useState(false);
  const action = useAction();
  const { client } = useSession();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const body = service
        ? { username, service: true as const, roles: parseRoles(roles) }
        : { username, password, roles: parseRoles(roles) };
      await call(client.POST('/v1/users', { body }));
      setUsername('');
      setPassword('');
      props.onCreated();
    });
  };
  return (
    <section aria-labelledby="create-user">
      <h2 id="create-user">Create a user</h2>
      <form onSubmit={submit}>
        <div class="row">
          <TextField label="New username" value={username} onInput={setUsername} required />
          {!service && (
            <TextField
              label="Initial password"
              type="password"
              value={password}
              onInput={setPassword}
              required
              autoComplete="new-password"
            />
          )}
          <TextField label="Roles" value={roles} onInput={setRoles} hint="Separated by commas or spaces." />
        </div>
        <CheckField
          label="Service account (no password; an administrator mints its API keys)"
          checked={service}
          onChange={setService}
        />
        <button type="submit" disabled={action.busy}>
          Create user
        </button>
      </form>
      <ErrorNote error={action.error} />
    </section>
  );
}

function UserRow(props: {
  user: User;
  onChanged(): void;
  onSecret(secret: { label: string; value: string }): void;
}) {
  const { user } = props;
  const { client } = useSession();
  const action = useAction();
  const [editing, setEditing] = useState(false);
  const [roles, setRoles] = useState(user.roles.join(', '));
  const patch = (body: { disabled?: boolean; roles?: string[] }) =>
    action.run(async () => {
      await call(client.PATCH('/v1/users/{id}', { params: { path: { id: user.id } }, body }));
      setEditing(false);
      props.onChanged();
    });
  const reset = () =>
    action.run(async () => {
      const answer = await call(
        client.POST('/v1/users/{id}/password-reset', { params: { path: { id: user.id } } }),
      );
      props.onSecret({ label: `One-time password for ${user.username}`, value: answer.one_time_password });
      props.onChanged();
    });
  return (
    <tr>
      <th scope="row">
        {user.username}
        {user.service === true && <span class="badge">service account</span>}
      </th>
      <td>
        {editing ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void patch({ roles: parseRoles(roles) });
            }}
          >
            <TextField label={`Roles of ${user.username}`} value={roles} onInput={setRoles} />
            <button type="submit" disabled={action.busy}>
              Save roles
            </button>
          </form>
        ) : (
          user.roles.join(', ') || <span class="muted">none</span>
        )}
      </td>
      <td>
        {user.disabled ? <span class="no">disabled</span> : <span class="yes">enabled</span>}
        {user.must_change_password === true && <div class="small">must change password</div>}
      </td>
      <td>
        <Time value={user.created_at} />
      </td>
      <td>
        <div class="actions">
          <button
            type="button"
            class="secondary"
            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
            disabled={action.busy}
            onClick={() => patch({ disabled: !user.disabled })}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            class="secondary"
            aria-label={`Edit roles of ${user.username}`}
            aria-expanded={editing}
            onClick={() => setEditing(!editing)}
          >
            Roles
          </button>
          {user.service === true ? (
            <a href={hrefOf('api-keys', user.id)} aria-label={`API keys of ${user.username}`}>
              API keys
            </a>
          ) : (
            <button
              type="button"
              class="danger"
              aria-label={`Reset password of ${user.username}`}
              disabled={action.busy}
              onClick={reset}
            >
              Reset password
            </button>
          )}
        </div>
        <ErrorNote error={action.error} />
      </td>
    </tr>
  );
}
