/** The signed-in session every page reads: the client (its tokens stay inside it) and who is signed in. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { StrongroomClient } from './api.js';

export interface SignedIn {
  client: StrongroomClient;
  me: { id: string; username: string; roles: string[] };
  /** Called when a call answers 403 PASSWORD_CHANGE_REQUIRED: the console shows the password change. */
  passwordChangeRequired(): void;
}

export const SessionContext = createContext<SignedIn | null>(null);

/** The session of a page under the signed-in shell (which renders pages only while signed in). */
export function useSession(): SignedIn {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in console');
  return session;
}
