/** The rules of `strongroom check deployment`; docs/checks.md explains each (why, and how to fix it). */
import type { CheckRule, Severity } from '../finding.js';

const rule = (id: string, severity: Severity, title: string, help: string): CheckRule =>
  Object.freeze({ id: `deployment/${id}`, severity, title, help });

export const DEPLOYMENT_RULES = Object.freeze({
  rootKeyDevelopment: rule(
    'root-key-development',
    'high',
    'The root key is the development key file next to the data',
    'Move to a sealed keyring (`strongroom operator migrate`) or STRONGROOM_MASTER_KEY_FILE kept off the data volume.',
  ),
  rootKeyEnvironment: rule(
    'root-key-in-environment',
    'medium',
    'The root key is given in an environment variable',
    'Use STRONGROOM_MASTER_KEY_FILE (a secret mount) or a sealed keyring instead of STRONGROOM_MASTER_KEY.',
  ),
  rootKeyFile: rule(
    'root-key-file',
    'low',
    'The root key is read from a key file (not a sealed keyring)',
    'Consider a sealed keyring (`strongroom operator migrate`): no single file then opens the data.',
  ),
  developmentMode: rule(
    'development-mode',
    'medium',
    'The server runs in development mode',
    'Run with --mode production (STRONGROOM_MODE=production), which refuses development keys and certificates.',
  ),
  initialPasswordFile: rule(
    'initial-password-file',
    'high',
    'The initial admin password file still exists',
    'Log in as admin and change the password (`strongroom passwd`): that deletes the file.',
  ),
  developmentCertificate: rule(
    'development-certificate',
    'medium',
    'The server serves the generated development certificate',
    'Pass --tls-cert and --tls-key with a certificate from your CA.',
  ),
  debugLogging: rule(
    'debug-logging',
    'medium',
    'The log level is debug or trace',
    'Use --log-level info or quieter.',
  ),
  argon2BelowOwasp: rule(
    'argon2-below-owasp',
    'high',
    'argon2id parameters below the OWASP minimum',
    'Set STRONGROOM_ARGON2_MEMORY_COST ≥ 19456, _TIME_COST ≥ 2, _PARALLELISM ≥ 1.',
  ),
  outdatedHashes: rule(
    'outdated-password-hashes',
    'low',
    'Users whose password hash has weaker parameters than the current ones',
    'They are rehashed at their next login; reset the passwords of accounts that never log in.',
  ),
  bcryptHashes: rule(
    'bcrypt-password-hashes',
    'low',
    'Users whose imported bcrypt hash is not yet upgraded to argon2id',
    'They are upgraded at their next login; reset the passwords of accounts that never log in.',
  ),
  adminIdle: rule(
    'admin-without-recent-login',
    'medium',
    'Administrators with no login within the window',
    'Disable or demote administrator accounts nobody uses (`strongroom users disable USER`).',
  ),
  adminUnrotatedKey: rule(
    'admin-api-key-not-rotated',
    'medium',
    'Administrators whose newest API key is older than the key age limit',
    'Mint a new key, move the job to it, revoke the old one; prefer a service account with a narrow role.',
  ),
  apiKeyOld: rule(
    'api-key-old',
    'low',
    'API keys older than the key age limit',
    'Rotate them: mint a new key, switch, revoke the old one.',
  ),
  apiKeyNoExpiry: rule(
    'api-key-no-expiry',
    'medium',
    'API keys that never expire',
    'Mint keys with an expiry and rotate them before it.',
  ),
  signingKeyOverdue: rule(
    'signing-key-overdue',
    'medium',
    'The token-signing key is older than its rotation period',
    'Check that the maintenance job runs (it rotates signing keys when due) and that the clock is right.',
  ),
  masterKeyOld: rule(
    'master-key-old',
    'low',
    'The master key is older than the key rotation period',
    'Rotate it: `strongroom keys rotate --master`.',
  ),
  dataKeyOld: rule(
    'data-key-old',
    'low',
    'Data keys older than the key rotation period',
    'Rotate them: `strongroom keys rotate --collection NAME`.',
  ),
  auditUnhealthy: rule(
    'audit-unhealthy',
    'high',
    'The audit trail is failing to write',
    'Look at the server log for audit errors and fix the database or disk; /readyz names `audit` meanwhile.',
  ),
  auditCheckpointStale: rule(
    'audit-checkpoint-stale',
    'medium',
    'No recent signed checkpoint covers the audit chain',
    'Check the server log for checkpoint errors; checkpoints are signed every STRONGROOM_AUDIT_CHECKPOINT_SECONDS.',
  ),
  auditNoExport: rule(
    'audit-not-exported',
    'low',
    'Audit events are kept only in the database (no mirror file, no sink)',
    'Ship them off the host: STRONGROOM_AUDIT_SYSLOG_URL or STRONGROOM_AUDIT_WEBHOOK_URL, or STRONGROOM_AUDIT_MIRROR_FILE.',
  ),
  auditChainBroken: rule(
    'audit-chain-broken',
    'high',
    'The audit chain does not verify',
    'Treat as an incident: compare with checkpoints kept off the host (`strongroom audit verify --checkpoints`).',
  ),
  auditNotVerified: rule(
    'audit-chain-not-verified',
    'low',
    'The audit chain could not be verified from outside',
    'Run the check with a credential granted read_audit, or run `strongroom audit verify` on the host.',
  ),
  redisMissing: rule(
    'redis-missing',
    'medium',
    'PostgreSQL without Redis: limits and lockouts are per node',
    'Point every node at one Redis (STRONGROOM_REDIS_URL) so throttles and quotas hold across nodes.',
  ),
  limitsLenient: rule(
    'limits-lenient',
    'low',
    'Login throttles or the auth quota are far above the defaults',
    'Keep lockouts within the defaults (account: 20 failures) unless you have a reason.',
  ),
  fileAccess: rule(
    'file-permissions',
    'high',
    'A secret file or the data directory is open to group or others',
    'chmod 700 the data directory and 600 the files in it.',
  ),
  fileOwner: rule(
    'file-owner',
    'medium',
    'A secret file or the data directory is owned by another user than the server',
    'chown it to the server user.',
  ),
  developmentKeyLeft: rule(
    'development-key-file-present',
    'medium',
    'A development key file lies in the data directory though another root key is configured',
    'Once nothing is sealed under it (`strongroom operator migrate` done), delete it.',
  ),
  policyPlain: rule(
    'policy-plain-without-purpose',
    'medium',
    'A role reveals sensitive fields in plain for any purpose',
    'Give the rule `purposes` (e.g. ["support"]) or a condition, or `masked` redaction.',
  ),
  policyWildcard: rule(
    'policy-wildcard-grant',
    'low',
    'A rule grants `**` (every resource, present and future)',
    'Name the resources the role needs; keep `**` for the admin role only.',
  ),
});

export const DEPLOYMENT_RULE_LIST: readonly CheckRule[] = Object.freeze(Object.values(DEPLOYMENT_RULES));
