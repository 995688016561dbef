/**
 * The shape of `GET /v1/sys/posture` (format `strongroom-posture-v1`), documented field by field in
 * docs/checks.md. Every value is a setting, a count, a time, an id or a file mode: never a key, a hash, a password,
 * a token or a URL that could carry one. Adding a field is compatible; renaming or removing one is a new format.
 */
import type { RootKeySource } from '../../crypto/root-key-source.js';

export interface HashParams {
  memory_cost: number;
  time_cost: number;
  parallelism: number;
}

export interface CountedIds {
  count: number;
  /** The first ids (at most `POSTURE_ID_LIMIT`), oldest first where age is the criterion. */
  ids: string[];
}

export interface FilePosture {
  /** What the file is: `data_dir`, `database`, `master_key`, `keyring`, `initial_password`, `tls_key`, … */
  name: string;
  path: string;
  exists: boolean;
  /** Permission bits in octal (`0600`), null when missing. */
  mode: string | null;
  /** The server process's user owns it (null when missing). */
  owned_by_server: boolean | null;
  /** Group or others may read, write or enter it (null when missing). */
  group_or_other_access: boolean | null;
}

export interface Posture {
  format: 'strongroom-posture-v1';
  generated_at: string;
  version: string;
  mode: 'development' | 'production';
  /** `file_inside_data_dir`: the key file in use lies inside the data directory (links resolved), whatever its name. */
  root_key: { source: RootKeySource; sealed: boolean; file_inside_data_dir: boolean };
  initial_password_file: { exists: boolean };
  tls: { development_certificate: boolean; http_port: number | null; trust_proxy: boolean };
  log_level: string;
  passwords: {
    argon2: HashParams;
    owasp_minimum: HashParams;
    meets_owasp_minimum: boolean;
    users: number;
    /** argon2id hashes made with weaker parameters than the current ones (rehashed at next login). */
    outdated_argon2: CountedIds;
    /** Imported bcrypt hashes not yet upgraded (at next login). */
    bcrypt: CountedIds;
  };
  administrators: {
    /** Enabled accounts whose roles may manage users. */
    count: number;
    login_window_days: number;
    /** Enabled administrators (people, not service accounts) with no password login within the window. */
    without_recent_login: CountedIds;
    /** Enabled administrators whose newest live API key is older than `api_keys.max_age_days`. */
    unrotated_api_keys: CountedIds;
  };
  api_keys: {
    live: number;
    max_age_days: number;
    older_than_max_age: CountedIds;
    without_expiry: CountedIds;
  };
  keys: {
    rotation_days: number;
    signing: { created_at: string | null; age_days: number | null; rotation_days: number };
    master: { created_at: string | null; age_days: number | null };
    /** Live data keys, and those whose newest version is older than `rotation_days`. */
    data: { live: number; older_than_rotation: CountedIds };
  };
  audit: {
    head_seq: number;
    anchor_seq: number;
    latest_checkpoint: { seq: number; time: string; age_seconds: number } | null;
    events_since_checkpoint: number;
    /** How long the oldest event no checkpoint covers has waited (null: every event is covered). */
    unsigned_age_seconds: number | null;
    checkpoint_seconds: number;
    checkpoint_events: number;
    /** Every event is covered by a checkpoint, or the oldest uncovered one waited at most twice the interval. */
    checkpoint_fresh: boolean;
    healthy: boolean;
    mirror_configured: boolean;
    sinks: { kind: 'syslog' | 'webhook' }[];
    retention_days: number;
  };
  limits: {
    throttle: Record<'account' | 'address' | 'password_check', ThrottlePosture>;
    quotas: { group: string; capacity: number; per_minute: number }[];
  };
  deployment: { database: 'sqlite' | 'postgres'; redis_configured: boolean };
  files: FilePosture[];
  policy: {
    version: number;
    plain_without_purpose: { role: string; rule: number; conditional: boolean }[];
    wildcard_grants: { role: string; rule: number }[];
  };
}

export interface ThrottlePosture {
  free_attempts: number;
  lockout_after: number;
  lockout_seconds: number;
}
