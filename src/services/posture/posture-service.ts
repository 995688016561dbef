/**
 * The deployment's security posture as only the server knows it (GET /v1/sys/posture, read by
 * `strongroom check deployment`): where the root key comes from, the mode, settings in force, credential and key
 * ages, the audit chain's checkpoints, file modes and what the policy grants.
 * Invariants: never a secret in the answer (no key, hash, password, token, webhook URL or secret), only settings,
 * counts, ids, times and modes; read-only. Threats addressed: an operator not knowing the weak spots of a running
 * deployment. Not addressed: a compromised server can lie about itself (check the TLS and audit chain from outside).
 */
import type { Config } from '../../config.js';
import type { RootKeySource } from '../../crypto/index.js';
import { analyzePolicy } from '../../policy/index.js';
import type { PostureStore } from '../../storage/index.js';
import { isDevelopmentCertificate } from '../../tls/index.js';
import { VERSION } from '../../version.js';
import { administrationOf } from '../authorizer.js';
import type { PolicyService } from '../policy-service.js';
import { accountPosture, POSTURE_ID_LIMIT } from './account-posture.js';
import { backupLeftovers, filePosture, keyFileInsideDataDir, watchedFiles } from './file-posture.js';
import type { HashParams, Posture, ThrottlePosture } from './posture-types.js';

const DAY_MS = 86_400_000;
/** Rules listed per policy finding (the schema's bound). */
const MAX_RULES = 1024;

export interface PostureWindows {
  /** API keys older than this are counted (and administrators' newest keys compared with it). */
  apiKeyMaxAgeDays: number;
  /** Administrators with no login within this many days are counted. */
  loginWindowDays: number;
  /** Master and data keys older than this are counted. */
  keyRotationDays: number;
}

export interface PostureServiceDeps {
  config: Readonly<Config>;
  store: PostureStore;
  policies: Pick<PolicyService, 'current'>;
  rootKey: { readonly source: RootKeySource; isSealed(): boolean };
  audit: { isHealthy(): boolean };
  /** OWASP's minimum argon2id parameters (auth/password-hash.ts). */
  owaspMinimum: Readonly<{ memoryCost: number; timeCost: number; parallelism: number }>;
  databaseKind: 'sqlite' | 'postgres';
  initialPasswordFile: string;
  clock: () => number;
}

const params = (p: { memoryCost: number; timeCost: number; parallelism: number }): HashParams => ({
  memory_cost: p.memoryCost,
  time_cost: p.timeCost,
  parallelism: p.parallelism,
});

const ageDays = (createdAt: number | null, now: number) =>
  createdAt === null ? null : Math.floor((now - createdAt) / DAY_MS);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function throttle(t: Config['throttle']['account']): ThrottlePosture {
  return { free_attempts: t.freeAttempts, lockout_after: t.lockoutAfter, lockout_seconds: t.lockoutSeconds };
}

async function auditPosture(deps: PostureServiceDeps, now: number): Promise<Posture['audit']> {
  const { audit } = deps.config;
  const state = await deps.store.auditState();
  const checkpoint = state.checkpoint;
  const age = checkpoint === null ? null : Math.max(0, Math.floor((now - checkpoint.createdAt) / 1000));
  const since = state.headSeq - (checkpoint?.seq ?? state.anchorSeq);
  const unsignedAge =
    state.firstUnsignedAt === null ? null : Math.max(0, Math.floor((now - state.firstUnsignedAt) / 1000));
  return {
    head_seq: state.headSeq,
    anchor_seq: state.anchorSeq,
    latest_checkpoint:
      checkpoint === null ? null : { seq: checkpoint.seq, time: checkpoint.time, age_seconds: age ?? 0 },
    events_since_checkpoint: since,
    unsigned_age_seconds: unsignedAge,
    checkpoint_seconds: audit.checkpointSeconds,
    checkpoint_events: audit.checkpointEvents,
    // Signing runs every checkpointSeconds when there are new events: an event waiting twice that is overdue.
    checkpoint_fresh: unsignedAge === null || unsignedAge <= 2 * audit.checkpointSeconds,
    healthy: deps.audit.isHealthy(),
    mirror_configured: audit.mirrorFile !== null,
    sinks: audit.sinks.sinks.map((sink) => ({ kind: sink.kind })),
    retention_days: audit.retentionDays,
  };
}

function filesOf(deps: PostureServiceDeps) {
  const { config } = deps;
  const keyFile = config.keyring === 'sealed' || config.masterKey !== null ? null : config.masterKeyFile;
  return watchedFiles({
    dataDir: config.dataDir,
    sqlitePath: deps.databaseKind === 'sqlite' ? config.sqlitePath : null,
    masterKeyFile: keyFile,
    keyringFile: config.keyring === 'sealed' ? config.keyringFile : null,
    tlsKeyPath: config.tlsKeyPath,
    initialPasswordFile: deps.initialPasswordFile,
  });
}

export function createPostureService(deps: PostureServiceDeps) {
  const { config, store } = deps;
  const argon2 = params(config.argon2);
  const owasp = params(deps.owaspMinimum);
  return {
    /** The posture now, with the given age windows. */
    async read(windows: PostureWindows): Promise<Posture> {
      const now = deps.clock();
      const version = deps.policies.current();
      const administration = administrationOf(version.policy);
      const rotationCutoff = now - windows.keyRotationDays * DAY_MS;
      const [accounts, signing, master, data, audit, files] = await Promise.all([
        accountPosture(
          { store, isAdministrator: administration.users },
          {
            now,
            argon2,
            apiKeyMaxAgeDays: windows.apiKeyMaxAgeDays,
            loginWindowDays: windows.loginWindowDays,
          },
        ),
        store.currentSigningKeyCreatedAt(),
        store.currentMasterKeyCreatedAt(),
        store.staleDataKeys(rotationCutoff, POSTURE_ID_LIMIT),
        auditPosture(deps, now),
        backupLeftovers(config.dataDir).then((leftovers) => filePosture([...filesOf(deps), ...leftovers])),
      ]);
      const analysis = analyzePolicy(version.policy);
      const initialPassword = files.find((file) => file.name === 'initial_password')?.exists ?? false;
      return {
        format: 'strongroom-posture-v1',
        generated_at: new Date(now).toISOString(),
        version: VERSION,
        mode: config.mode,
        root_key: {
          source: deps.rootKey.source,
          sealed: deps.rootKey.isSealed(),
          file_inside_data_dir: keyFileInsideDataDir(config),
        },
        initial_password_file: { exists: initialPassword },
        tls: {
          development_certificate: isDevelopmentCertificate(config.tlsCertPath, config.dataDir),
          http_port: config.httpPort,
          trust_proxy: config.trustProxy !== false,
        },
        log_level: config.logLevel,
        passwords: {
          argon2,
          owasp_minimum: owasp,
          meets_owasp_minimum:
            argon2.memory_cost >= owasp.memory_cost &&
            argon2.time_cost >= owasp.time_cost &&
            argon2.parallelism >= owasp.parallelism,
          ...accounts.passwords,
        },
        administrators: accounts.administrators,
        api_keys: accounts.api_keys,
        keys: {
          rotation_days: windows.keyRotationDays,
          signing: {
            created_at: iso(signing),
            age_days: ageDays(signing, now),
            rotation_days: Math.round(config.signingKeyRotationSeconds / 86_400),
          },
          master: { created_at: iso(master), age_days: ageDays(master, now) },
          data: { live: data.live, older_than_rotation: { count: data.count, ids: data.ids } },
        },
        audit,
        limits: {
          throttle: {
            account: throttle(config.throttle.account),
            address: throttle(config.throttle.address),
            password_check: throttle(config.throttle.passwordCheck),
          },
          quotas: Object.entries(config.quotas.defaults).map(([group, quota]) => ({
            group,
            capacity: quota.capacity,
            per_minute: quota.perMinute,
          })),
        },
        deployment: { database: deps.databaseKind, redis_configured: config.redisUrl !== null },
        files,
        policy: {
          version: version.version,
          plain_without_purpose: analysis.plainWithoutPurpose.slice(0, MAX_RULES).map((r) => ({ ...r })),
          wildcard_grants: analysis.wildcardGrants.slice(0, MAX_RULES).map((r) => ({ ...r })),
        },
      };
    },
  };
}

export type PostureService = ReturnType<typeof createPostureService>;
