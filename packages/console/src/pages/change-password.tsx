/** The forced change of an initial or reset password: until it is done, the session may do nothing else. */
import { useState } from 'preact/hooks';
import { call, type StrongroomClient } from '../api.js';
import { ErrorNote, PageHeading, TextField } from '../components/common.js';

export function ChangePassword(props: {
  client: StrongroomClient;
  username: string;
  onChanged(): void;
  onSignOut(): void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (next !== again) {
      setError(new Error('The new password and its repetition differ'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call(
        props.client.PUT('/v1/me/password', { body: { current_password: current, new_password: next } }),
      );
      // A password change ends the user's sessions: sign in again with the new one.
      await props.client.login({ username: props.username, password: next });
      props.onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="narrow" id="main">
      <PageHeading>Change password</PageHeading>
      <p>
        This password was set by an administrator (or is the initial one). Choose your own before you go on:
        until then the server refuses everything else (403 PASSWORD_CHANGE_REQUIRED).
      </p>
      <form onSubmit={submit}>
        <TextField
          label="Current password"
          type="password"
          value={current}
          onInput={setCurrent}
          required
          autoComplete="current-password"
        />
        <TextField
          label="New password"
          type="password"
          value={next}
          onInput={setNext}
          required
          autoComplete="new-password"
          hint="Long and not a common one: the server refuses short or common passwords."
        />
        <TextField
          label="Repeat new password"
          type="password"
          value={again}
          onInput={setAgain}
          required
          autoComplete="new-password"
        />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Change password
          </button>
          <button type="button" class="secondary" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
    </main>
  );
}
