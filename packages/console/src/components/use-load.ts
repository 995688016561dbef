/** Loads a page's data through the session's client, and reloads it on demand or when `deps` change. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type StrongroomClient, StrongroomError } from '../api.js';
import { useSession } from '../session-context.js';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: (client: StrongroomClient) => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const session = useSession();
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load(session.client).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof StrongroomError && error.code === 'PASSWORD_CHANGE_REQUIRED')
          session.passwordChangeRequired();
        setState({ data: null, error, loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [session, tick, ...deps]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** Runs an action (a button's), keeping its error and whether it runs, for the form that started it. */
export function useAction(): {
  busy: boolean;
  error: unknown;
  run(action: () => Promise<void>): Promise<void>;
  clear(): void;
} {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      if (caught instanceof StrongroomError && caught.code === 'PASSWORD_CHANGE_REQUIRED')
        session.passwordChangeRequired();
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}
