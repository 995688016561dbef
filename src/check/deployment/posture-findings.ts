/**
 * Findings from a server's own posture (GET /v1/sys/posture, format `strongroom-posture-v1`): each finding points
 * into the answer (a JSON pointer) and names counts and ids, never a value the server withheld.
 * Shared with the console, which judges the posture in the browser with this same code: it imports only
 * deployment-rules.ts and types from leaf files (.dependency-cruiser.cjs: browser-shared-checks-are-leaves).
 */
import type { FilePosture, Posture } from '../../services/posture/posture-types.js';
import type { CheckRule } from '../finding.js';
import { DEPLOYMENT_RULES as R } from './deployment-rules.js';

/** Adds one finding of `rule` at `pointer` (a JSON pointer into the posture, or '' for the whole). */
export type AddFinding = (rule: CheckRule, message: string, pointer?: string) => void;

const ACCOUNT_THROTTLE = { freeAttempts: 10, lockoutAfter: 100 };
const ADDRESS_LOCKOUT = 1000;
const AUTH_QUOTA_CAPACITY = 10_000;

const ids = (list: { count: number; ids: string[] }) =>
  `${list.ids.join(', ')}${list.count > list.ids.length ? `, … (${list.count - list.ids.length} more)` : ''}`;

function rootKeyFindings(posture: Posture, add: AddFinding): void {
  const source = posture.root_key.source;
  const at = '/root_key/source';
  if (source === 'development-key-file')
    add(R.rootKeyDevelopment, 'root key source: development key file', at);
  else if (source === 'configured') add(R.rootKeyEnvironment, 'root key source: STRONGROOM_MASTER_KEY', at);
  else if (source === 'key-file' && posture.root_key.file_inside_data_dir)
    add(
      R.rootKeyInDataDir,
      'root key source: a key file inside the data directory',
      '/root_key/file_inside_data_dir',
    );
  else if (source === 'key-file') add(R.rootKeyFile, 'root key source: key file', at);
}

function settingFindings(posture: Posture, add: AddFinding): void {
  if (posture.mode === 'development') add(R.developmentMode, 'mode: development', '/mode');
  if (posture.initial_password_file.exists)
    add(R.initialPasswordFile, 'the initial admin password file exists', '/initial_password_file/exists');
  if (posture.tls.development_certificate)
    add(R.developmentCertificate, 'the generated certificate is served', '/tls/development_certificate');
  if (posture.log_level === 'debug' || posture.log_level === 'trace')
    add(R.debugLogging, `log level: ${posture.log_level}`, '/log_level');
  if (posture.deployment.database === 'postgres' && !posture.deployment.redis_configured)
    add(R.redisMissing, 'PostgreSQL without STRONGROOM_REDIS_URL', '/deployment/redis_configured');
  const { account, address } = posture.limits.throttle;
  if (
    account.free_attempts > ACCOUNT_THROTTLE.freeAttempts ||
    account.lockout_after > ACCOUNT_THROTTLE.lockoutAfter
  )
    add(
      R.limitsLenient,
      `account throttle: ${account.free_attempts} free attempts, lockout after ${account.lockout_after}`,
      '/limits/throttle/account',
    );
  if (address.lockout_after > ADDRESS_LOCKOUT)
    add(
      R.limitsLenient,
      `address throttle: lockout after ${address.lockout_after}`,
      '/limits/throttle/address',
    );
  const auth = posture.limits.quotas.find((quota) => quota.group === 'auth');
  if (auth !== undefined && auth.capacity > AUTH_QUOTA_CAPACITY)
    add(R.limitsLenient, `auth quota capacity ${auth.capacity}`, '/limits/quotas');
}

function credentialFindings(posture: Posture, add: AddFinding): void {
  const { passwords: p, administrators: a, api_keys: k } = posture;
  if (!p.meets_owasp_minimum) {
    const { memory_cost: m, time_cost: t, parallelism: par } = p.argon2;
    add(R.argon2BelowOwasp, `argon2id m=${m}, t=${t}, p=${par}`, '/passwords/argon2');
  }
  if (p.outdated_argon2.count > 0)
    add(
      R.outdatedHashes,
      `${p.outdated_argon2.count} users: ${ids(p.outdated_argon2)}`,
      '/passwords/outdated_argon2',
    );
  if (p.bcrypt.count > 0)
    add(R.bcryptHashes, `${p.bcrypt.count} users: ${ids(p.bcrypt)}`, '/passwords/bcrypt');
  if (a.without_recent_login.count > 0)
    add(
      R.adminIdle,
      `${a.without_recent_login.count} administrators without a login in ${a.login_window_days} days: ${ids(a.without_recent_login)}`,
      '/administrators/without_recent_login',
    );
  if (a.unrotated_api_keys.count > 0)
    add(
      R.adminUnrotatedKey,
      `${a.unrotated_api_keys.count} administrators whose newest key is over ${k.max_age_days} days old: ${ids(a.unrotated_api_keys)}`,
      '/administrators/unrotated_api_keys',
    );
  if (k.older_than_max_age.count > 0)
    add(
      R.apiKeyOld,
      `${k.older_than_max_age.count} keys over ${k.max_age_days} days old: ${ids(k.older_than_max_age)}`,
      '/api_keys/older_than_max_age',
    );
  if (k.without_expiry.count > 0)
    add(
      R.apiKeyNoExpiry,
      `${k.without_expiry.count} keys: ${ids(k.without_expiry)}`,
      '/api_keys/without_expiry',
    );
}

function keyFindings(posture: Posture, add: AddFinding): void {
  const { signing, master, data, rotation_days: days } = posture.keys;
  // One day of slack: the maintenance job rotates within a minute of the key falling due.
  if (signing.age_days !== null && signing.age_days > signing.rotation_days + 1)
    add(
      R.signingKeyOverdue,
      `signing key ${signing.age_days} days old, rotation every ${signing.rotation_days}`,
      '/keys/signing',
    );
  if (master.age_days !== null && master.age_days > days)
    add(R.masterKeyOld, `master key ${master.age_days} days old (limit ${days})`, '/keys/master');
  if (data.older_than_rotation.count > 0)
    add(
      R.dataKeyOld,
      `${data.older_than_rotation.count} data keys over ${days} days old: ${ids(data.older_than_rotation)}`,
      '/keys/data/older_than_rotation',
    );
}

function auditFindings(posture: Posture, add: AddFinding): void {
  const audit = posture.audit;
  if (!audit.healthy) add(R.auditUnhealthy, 'the audit trail reports write failures', '/audit/healthy');
  if (!audit.checkpoint_fresh) {
    const age = audit.latest_checkpoint === null ? 'none' : `${audit.latest_checkpoint.age_seconds} s old`;
    add(
      R.auditCheckpointStale,
      `${audit.events_since_checkpoint} events unsigned, the oldest for ${audit.unsigned_age_seconds ?? 0} s (checkpoint every ${audit.checkpoint_seconds} s; newest: ${age})`,
      '/audit/checkpoint_fresh',
    );
  }
  if (!audit.mirror_configured && audit.sinks.length === 0)
    add(R.auditNoExport, 'no audit mirror file and no audit sink', '/audit/sinks');
}

function policyFindings(posture: Posture, add: AddFinding): void {
  for (const [i, grant] of posture.policy.plain_without_purpose.entries()) {
    if (grant.conditional) continue;
    add(
      R.policyPlain,
      `role ${grant.role}, rule ${grant.rule}: plain sensitive fields for any purpose`,
      `/policy/plain_without_purpose/${i}`,
    );
  }
  for (const [i, grant] of posture.policy.wildcard_grants.entries())
    add(
      R.policyWildcard,
      `role ${grant.role}, rule ${grant.rule} grants every resource (** or * segments then **)`,
      `/policy/wildcard_grants/${i}`,
    );
}

/** Files whose mode or owner is wrong; `pointer` says where each came from (`/files/2`, or a path offline). */
export function fileFindings(
  files: readonly FilePosture[],
  add: AddFinding,
  pointer = (i: number) => `/files/${i}`,
) {
  files.forEach((file, i) => {
    if (!file.exists) return;
    if (file.name === 'backup_leftover') add(R.backupLeftover, `${file.path} exists`, pointer(i));
    if (file.group_or_other_access === true)
      add(R.fileAccess, `${file.name} ${file.path} has mode ${file.mode}`, pointer(i));
    if (file.owned_by_server === false)
      add(R.fileOwner, `${file.name} ${file.path} is owned by another user`, pointer(i));
  });
}

/** Every finding the posture shows. */
export function postureFindings(posture: Posture, add: AddFinding): void {
  rootKeyFindings(posture, add);
  settingFindings(posture, add);
  credentialFindings(posture, add);
  keyFindings(posture, add);
  auditFindings(posture, add);
  fileFindings(posture.files, add);
  policyFindings(posture, add);
}
