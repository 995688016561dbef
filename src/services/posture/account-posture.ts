/**
 * The posture of accounts and credentials: stale password hashes (by their PHC parameters, counted, never
 * returned), administrators without a recent login or with an old API key, and old or never-expiring API keys.
 * Invariant: hashes are read to compare their parameters and dropped; only counts and user or key ids leave.
 */
import type { PostureStore } from '../../storage/index.js';
import type { CountedIds, HashParams, Posture } from './posture-types.js';

export const POSTURE_ID_LIMIT = 20;
const DAY_MS = 86_400_000;

type HashKind = 'current' | 'outdated' | 'bcrypt' | 'other';

/** Classifies a stored hash against the current argon2id parameters (`other`: a service account's, unusable). */
export function classifyHash(stored: string, current: Readonly<HashParams>): HashKind {
  if (/^\$2[aby]\$/.test(stored)) return 'bcrypt';
  const match = /^\$argon2id\$v=19\$([^$]+)\$/.exec(stored);
  if (match?.[1] === undefined) return 'other';
  const params = Object.fromEntries(
    match[1].split(',').map((pair) => {
      const [name, value] = pair.split('=');
      return [name, Number(value)];
    }),
  );
  const weaker =
    (params.m ?? 0) < current.memory_cost ||
    (params.t ?? 0) < current.time_cost ||
    (params.p ?? 0) < current.parallelism;
  return weaker ? 'outdated' : 'current';
}

function collector() {
  const found: CountedIds = { count: 0, ids: [] };
  return {
    found,
    add(id: string) {
      found.count++;
      if (found.ids.length < POSTURE_ID_LIMIT) found.ids.push(id);
    },
  };
}

export interface AccountPostureDeps {
  store: Pick<
    PostureStore,
    | 'users'
    | 'lastLogins'
    | 'newestApiKeys'
    | 'liveApiKeyCount'
    | 'apiKeysCreatedBefore'
    | 'apiKeysWithoutExpiry'
  >;
  /** Whether an account with these roles may manage users (the policy in force decides). */
  isAdministrator: (roles: readonly string[]) => boolean;
}

export interface AccountWindows {
  now: number;
  argon2: Readonly<HashParams>;
  apiKeyMaxAgeDays: number;
  loginWindowDays: number;
}

function parseRoles(raw: string): string[] {
  try {
    const roles: unknown = JSON.parse(raw);
    return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return [];
  }
}

/** The `passwords`, `administrators` and `api_keys` sections. */
export async function accountPosture(
  deps: AccountPostureDeps,
  windows: AccountWindows,
): Promise<
  Pick<Posture, 'administrators' | 'api_keys'> & {
    passwords: Omit<Posture['passwords'], 'argon2' | 'owasp_minimum' | 'meets_owasp_minimum'>;
  }
> {
  const outdated = collector();
  const bcrypt = collector();
  const people: string[] = [];
  const admins: string[] = [];
  let users = 0;
  for await (const user of deps.store.users()) {
    users++;
    const kind = classifyHash(user.passwordHash, windows.argon2);
    if (kind === 'outdated') outdated.add(user.id);
    else if (kind === 'bcrypt') bcrypt.add(user.id);
    if (user.disabled === 0 && deps.isAdministrator(parseRoles(user.roles))) {
      admins.push(user.id);
      if (user.kind !== 'service') people.push(user.id);
    }
  }
  const keyCutoff = windows.now - windows.apiKeyMaxAgeDays * DAY_MS;
  const loginCutoff = windows.now - windows.loginWindowDays * DAY_MS;
  const [logins, newestKeys, live, old, unexpiring] = await Promise.all([
    deps.store.lastLogins(people),
    deps.store.newestApiKeys(admins, windows.now),
    deps.store.liveApiKeyCount(windows.now),
    deps.store.apiKeysCreatedBefore(windows.now, keyCutoff, POSTURE_ID_LIMIT),
    deps.store.apiKeysWithoutExpiry(POSTURE_ID_LIMIT),
  ]);
  const idle = collector();
  for (const id of people) if ((logins.get(id) ?? 0) < loginCutoff) idle.add(id);
  const unrotated = collector();
  for (const id of admins) {
    const newest = newestKeys.get(id);
    if (newest !== undefined && newest < keyCutoff) unrotated.add(id);
  }
  return {
    passwords: { users, outdated_argon2: outdated.found, bcrypt: bcrypt.found },
    administrators: {
      count: admins.length,
      login_window_days: windows.loginWindowDays,
      without_recent_login: idle.found,
      unrotated_api_keys: unrotated.found,
    },
    api_keys: {
      live,
      max_age_days: windows.apiKeyMaxAgeDays,
      older_than_max_age: old,
      without_expiry: unexpiring,
    },
  };
}
