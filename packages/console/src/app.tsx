/**
 * The console's shell: signed out, the sign-in form; signed in with a password that must change, only that form;
 * otherwise the navigation and the page the hash names. The session is this component's state and the client's
 * memory: nothing is written to browser storage, so a reload starts signed out.
 */
import type { FunctionComponent } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { call, createConsoleClient } from './api.js';
import { ApiKeysPage } from './pages/api-keys.js';
import { AuditPage } from './pages/audit.js';
import { ChangePassword } from './pages/change-password.js';
import { CollectionsPage } from './pages/collections.js';
import { KeysPage } from './pages/keys.js';
import { PoliciesPage } from './pages/policies.js';
import { PosturePage } from './pages/posture.js';
import { SignIn } from './pages/sign-in.js';
import { UsersPage } from './pages/users.js';
import { hrefOf, useRoute } from './router.js';
import { SessionContext, type SignedIn } from './session-context.js';

interface Page {
  path: string;
  name: string;
  component: FunctionComponent<{ route: string[] }>;
}

/** The pages in navigation order; their link names are stable (the browser tests find them by name). */
const PAGES: Page[] = [
  { path: 'users', name: 'Users', component: UsersPage },
  { path: 'api-keys', name: 'API keys', component: ApiKeysPage },
  { path: 'collections', name: 'Collections', component: CollectionsPage },
  { path: 'policies', name: 'Policies', component: PoliciesPage },
  { path: 'audit', name: 'Audit', component: AuditPage },
  { path: 'keys', name: 'Keys', component: KeysPage },
  { path: 'posture', name: 'Posture', component: PosturePage },
];

type State =
  | { kind: 'signed-out' }
  | { kind: 'must-change'; username: string }
  | { kind: 'signed-in'; me: SignedIn['me'] };

export function App() {
  const client = useMemo(() => createConsoleClient(), []);
  const [state, setState] = useState<State>({ kind: 'signed-out' });
  const route = useRoute();

  const loadMe = async () => {
    const me = await call(client.GET('/v1/me'));
    return { id: me.id, username: me.username, roles: me.roles };
  };
  const signOut = async () => {
    try {
      await client.logout();
    } finally {
      setState({ kind: 'signed-out' });
    }
  };

  const session = useMemo<SignedIn | null>(
    () =>
      state.kind === 'signed-in'
        ? {
            client,
            me: state.me,
            passwordChangeRequired: () => setState({ kind: 'must-change', username: state.me.username }),
          }
        : null,
    [client, state],
  );

  if (state.kind === 'signed-out') {
    return (
      <SignIn
        client={client}
        onSignedIn={async (mustChange) => {
          const me = await loadMe();
          setState(mustChange ? { kind: 'must-change', username: me.username } : { kind: 'signed-in', me });
        }}
      />
    );
  }
  if (state.kind === 'must-change' || session === null) {
    const username = state.kind === 'must-change' ? state.username : '';
    return (
      <ChangePassword
        client={client}
        username={username}
        onChanged={async () => setState({ kind: 'signed-in', me: await loadMe() })}
        onSignOut={signOut}
      />
    );
  }

  // Administrators land on the deployment's posture; anyone else on their own API keys, a page every role can use
  // (the posture is refused to a caller without read_posture).
  const landing = session.me.roles.includes('admin') ? 'posture' : 'api-keys';
  const page =
    PAGES.find((candidate) => candidate.path === route[0]) ??
    PAGES.find((candidate) => candidate.path === landing);
  const Component = page?.component;
  return (
    <SessionContext.Provider value={session}>
      <button type="button" class="skip" onClick={skipToMain}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">Strongroom</span>
        <nav aria-label="Console">
          <ul>
            {PAGES.map((candidate) => (
              <li key={candidate.path}>
                <a href={hrefOf(candidate.path)} aria-current={candidate === page ? 'page' : undefined}>
                  {candidate.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{session.me.username}</strong>
          </span>
          <button type="button" class="secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {Component !== undefined && <Component key={page?.path} route={route.slice(1)} />}
      </main>
    </SessionContext.Provider>
  );
}

/** A button rather than a `#main` link: the hash is the route. */
function skipToMain() {
  document.getElementById('main')?.focus();
}
