/**
 * The rules of `strongroom check deployment`, each with why it matters and how to fix it (docs/checks.md has the
 * same table). Shared with the console (packages/console, built by Vite), which judges the posture in the browser
 * with this same code: this file imports only types from the leaf src/check/finding.ts.
 */
import type { CheckRule, Severity } from '../finding.js';

/** A deployment rule: a check rule and why it matters (`help` says how to fix it). */
export interface DeploymentRule extends CheckRule {
  readonly why: string;
}

const rule = (id: string, severity: Severity, title: string, help: string, why: string): DeploymentRule =>
  Object.freeze({ id: `deployment/${id}`, severity, title, help, why });

export const DEPLOYMENT_RULES = Object.freeze({
  rootKeyDevelopment: rule(
    'root-key-development',
    'high',
    'The root key is the development key file next to the data',
    'Move to a sealed keyring (`strongroom operator migrate`) or STRONGROOM_MASTER_KEY_FILE kept off the data volume.',
    'It lies next to the data it protects: a copy of the data directory (backup, snapshot, stolen disk) holds the key to every sealed value.',
  ),
  rootKeyInDataDir: rule(
    'root-key-in-data-dir',
    'high',
    'The root key file lies inside the data directory',
    'Keep STRONGROOM_MASTER_KEY_FILE off the data volume (a secret mount), or move to a sealed keyring (`strongroom operator migrate`).',
    'Whatever its name: a copy of the data directory (backup, snapshot, stolen disk) holds the key to every sealed value.',
  ),
  rootKeyEnvironment: rule(
    'root-key-in-environment',
    'medium',
    'The root key is given in an environment variable',
    'Use STRONGROOM_MASTER_KEY_FILE (a secret mount) or a sealed keyring instead of STRONGROOM_MASTER_KEY.',
    'Environment variables leak: `/proc/<pid>/environ`, child processes, crash reports, `docker inspect`, CI logs.',
  ),
  rootKeyFile: rule(
    'root-key-file',
    'low',
    'The root key is read from a key file (not a sealed keyring)',
    'Consider a sealed keyring (`strongroom operator migrate`): no single file then opens the data.',
    "One file (and whoever can read it) opens everything; a sealed keyring needs several operators' shares.",
  ),
  developmentMode: rule(
    'development-mode',
    'medium',
    'The server runs in development mode',
    'Run with --mode production (STRONGROOM_MODE=production), which refuses development keys and certificates.',
    'Development mode accepts the development key, certificate and debug logging without a word.',
  ),
  initialPasswordFile: rule(
    'initial-password-file',
    'high',
    'The initial admin password file still exists',
    'Log in as admin and change the password (`strongroom passwd`): that deletes the file.',
    "The first administrator's password sits in a file: anyone who reads the directory (or a backup of it) is admin.",
  ),
  developmentCertificate: rule(
    'development-certificate',
    'medium',
    'The server serves the generated development certificate',
    'Pass --tls-cert and --tls-key with a certificate from your CA.',
    'Clients must trust a local CA whose key lies in the data directory, or skip verification.',
  ),
  debugLogging: rule(
    'debug-logging',
    'medium',
    'The log level is debug or trace',
    'Use --log-level info or quieter.',
    'Debug logs carry request detail that production logs must not.',
  ),
  argon2BelowOwasp: rule(
    'argon2-below-owasp',
    'high',
    'argon2id parameters below the OWASP minimum',
    'Set STRONGROOM_ARGON2_MEMORY_COST ≥ 19456, _TIME_COST ≥ 2, _PARALLELISM ≥ 1.',
    'Stolen hashes are cheaper to crack than the minimum OWASP accepts.',
  ),
  outdatedHashes: rule(
    'outdated-password-hashes',
    'low',
    'Users whose password hash has weaker parameters than the current ones',
    'They are rehashed at their next login; reset the passwords of accounts that never log in.',
    'Their hashes keep the old, cheaper cost until they log in.',
  ),
  bcryptHashes: rule(
    'bcrypt-password-hashes',
    'low',
    'Users whose imported bcrypt hash is not yet upgraded to argon2id',
    'They are upgraded at their next login; reset the passwords of accounts that never log in.',
    "bcrypt truncates at 72 bytes and is cheaper on GPUs than argon2id at Strongroom's parameters.",
  ),
  adminIdle: rule(
    'admin-without-recent-login',
    'medium',
    'Administrators with no login within the window',
    'Disable or demote administrator accounts nobody uses (`strongroom users disable USER`).',
    'Unused powerful accounts are what an attacker takes over unnoticed.',
  ),
  adminUnrotatedKey: rule(
    'admin-api-key-not-rotated',
    'medium',
    'Administrators whose newest API key is older than the key age limit',
    'Mint a new key, move the job to it, revoke the old one; prefer a service account with a narrow role.',
    'A long-lived administrator key is a standing full-power credential in some script or secret store.',
  ),
  apiKeyOld: rule(
    'api-key-old',
    'low',
    'API keys older than the key age limit',
    'Rotate them: mint a new key, switch, revoke the old one.',
    'The longer a key lives, the more places it has been copied to.',
  ),
  apiKeyNoExpiry: rule(
    'api-key-no-expiry',
    'medium',
    'API keys that never expire',
    'Mint keys with an expiry and rotate them before it.',
    'A forgotten key works for ever.',
  ),
  signingKeyOverdue: rule(
    'signing-key-overdue',
    'medium',
    'The token-signing key is older than its rotation period',
    'Check that the maintenance job runs (it rotates signing keys when due) and that the clock is right.',
    'The maintenance job rotates it when due: an overdue key means the job or the clock is wrong.',
  ),
  masterKeyOld: rule(
    'master-key-old',
    'low',
    'The master key is older than the key rotation period',
    'Rotate it: `strongroom keys rotate --master`.',
    'A key that never changes has had the longest time to leak.',
  ),
  dataKeyOld: rule(
    'data-key-old',
    'low',
    'Data keys older than the key rotation period',
    'Rotate them: `strongroom keys rotate --collection NAME`.',
    "A data key that never changes has had the longest time to leak, and it seals a whole collection's values.",
  ),
  auditUnhealthy: rule(
    'audit-unhealthy',
    'high',
    'The audit trail is failing to write',
    'Look at the server log for audit errors and fix the database or disk; /readyz names `audit` meanwhile.',
    'Events are being lost or refused: the trail no longer proves what happened.',
  ),
  auditCheckpointStale: rule(
    'audit-checkpoint-stale',
    'medium',
    'No recent signed checkpoint covers the audit chain',
    'Check the server log for checkpoint errors; checkpoints are signed every STRONGROOM_AUDIT_CHECKPOINT_SECONDS.',
    'Unsigned events can be dropped from the tail without a trace.',
  ),
  auditNoExport: rule(
    'audit-not-exported',
    'low',
    'Audit events are kept only in the database (no mirror file, no sink)',
    'Ship them off the host: STRONGROOM_AUDIT_SYSLOG_URL or STRONGROOM_AUDIT_WEBHOOK_URL, or STRONGROOM_AUDIT_MIRROR_FILE.',
    'Whoever controls the database controls the only copy of the trail.',
  ),
  auditChainBroken: rule(
    'audit-chain-broken',
    'high',
    'The audit chain does not verify',
    'Treat as an incident: compare with checkpoints kept off the host (`strongroom audit verify --checkpoints`).',
    'The audit trail has been tampered with, or history was rewritten.',
  ),
  auditSigningKeyChanged: rule(
    'audit-signing-key-changed',
    'high',
    'The audit checkpoints are signed by another key than the one verified last time',
    "Verify out of band: the chain against a checkpoint export kept off the host (`strongroom audit verify --checkpoints`), the new key with its operator; then delete this server's entry in <config dir>/audit-verified.json.",
    'The server announces no rotation of its checkpoint key: a key row added with database write access (without the root key) re-signs history just the same.',
  ),
  auditNotVerified: rule(
    'audit-chain-not-verified',
    'low',
    'The audit chain could not be verified from outside',
    'Run the check with a credential granted read_audit, or run `strongroom audit verify` on the host.',
    'The check says nothing about tampering.',
  ),
  redisMissing: rule(
    'redis-missing',
    'medium',
    'PostgreSQL without Redis: limits and lockouts are per node',
    'Point every node at one Redis (STRONGROOM_REDIS_URL) so throttles and quotas hold across nodes.',
    'With several nodes each keeps its own login throttles and quotas: an attacker gets N times the attempts.',
  ),
  limitsLenient: rule(
    'limits-lenient',
    'low',
    'Login throttles or the auth quota are far above the defaults',
    'Keep lockouts within the defaults (account: 20 failures) unless you have a reason.',
    'Online password guessing gets far more tries than the defaults allow.',
  ),
  fileAccess: rule(
    'file-permissions',
    'high',
    'A secret file or the data directory is open to group or others',
    'chmod 700 the data directory and 600 the files in it.',
    'Any local user (or a process of another service) reads the keys or the data.',
  ),
  fileOwner: rule(
    'file-owner',
    'medium',
    'A secret file or the data directory is owned by another user than the server',
    'chown it to the server user.',
    'That user can replace or read it at will.',
  ),
  developmentKeyLeft: rule(
    'development-key-file-present',
    'medium',
    'A development key file lies in the data directory though another root key is configured',
    'Once nothing is sealed under it (`strongroom operator migrate` done), delete it.',
    'An old key that may still open data sealed before a migration.',
  ),
  backupLeftover: rule(
    'backup-leftover',
    'medium',
    'An interrupted backup left an unencrypted copy of the database in the data directory',
    'Delete the `.backup-*` directory once no `strongroom backup create` is running.',
    'An unencrypted copy of the database (wrapped keys and sealed values); erasures made after it never reach it.',
  ),
  policyPlain: rule(
    'policy-plain-without-purpose',
    'medium',
    'A role reveals sensitive fields in plain for any purpose',
    'Give the rule `purposes` (e.g. ["support"]) or a condition, or `masked` redaction.',
    'Any of the configured purposes will do, so a purpose states nothing; every value is one request away.',
  ),
  policyWildcard: rule(
    'policy-wildcard-grant',
    'low',
    'A rule grants `**` (every resource, present and future)',
    'Name the resources the role needs; keep `**` for the admin role only.',
    'It grants every resource, including those added later.',
  ),
});

export const DEPLOYMENT_RULE_LIST: readonly DeploymentRule[] = Object.freeze(Object.values(DEPLOYMENT_RULES));
