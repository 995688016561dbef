/** Sign in with a username and password; the tokens stay in the client's memory (a reload signs out). */
import { useState } from 'preact/hooks';
import type { StrongroomClient } from '../api.js';
import { ErrorNote, TextField } from '../components/common.js';

export function SignIn(props: { client: StrongroomClient; onSignedIn(mustChangePassword: boolean): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.client.login({ username, password });
      setPassword('');
      props.onSignedIn(await mustChangePassword(props.client));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="narrow" id="main">
      <h1>Sign in</h1>
      <p>Strongroom console. Your session lives in this tab only: reloading the page signs you out.</p>
      <form onSubmit={submit}>
        <TextField label="Username" value={username} onInput={setUsername} required autoComplete="username" />
        <TextField
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          required
          autoComplete="current-password"
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ErrorNote error={error} />
    </main>
  );
}

/**
 * Whether the session may only change its password (an initial or reset one): /v1/me answers either way, so ask
 * a route such a session is refused on, and read its 403 PASSWORD_CHANGE_REQUIRED.
 */
async function mustChangePassword(client: StrongroomClient): Promise<boolean> {
  const { error, response } = await client.GET('/v1/api-keys');
  if (response.ok) return false;
  return (error as { error?: { code?: string } } | undefined)?.error?.code === 'PASSWORD_CHANGE_REQUIRED';
}
