/**
 * The response schema of GET /v1/sys/posture (format `strongroom-posture-v1`, services/posture/posture-types.ts):
 * an allow-list, so a field the service might add by mistake never leaves. Every string is bounded; no field can
 * hold a key, hash, password or token (ids, settings, times and file modes only).
 */
import { QUOTA_GROUPS } from '../model/index.js';
import { count, integer, nullableTimestamp, plainText, roleName, timestamp } from './schema-bounds.js';

const ID_LIMIT = 20;

const object = (properties: Record<string, unknown>, description?: string) =>
  ({
    type: 'object',
    required: Object.keys(properties),
    additionalProperties: false,
    properties,
    ...(description === undefined ? {} : { description }),
  }) as const;

const countedIds = (description: string) =>
  object(
    {
      count,
      ids: {
        type: 'array',
        maxItems: ID_LIMIT,
        items: plainText(128, 1),
        description: `The first ${ID_LIMIT}`,
      },
    },
    description,
  );

const hashParams = object({ memory_cost: count, time_cost: count, parallelism: count });
const nullableCount = { ...count, type: ['integer', 'null'] } as const;
const throttle = object({ free_attempts: count, lockout_after: count, lockout_seconds: count });
const path = plainText(4096, 1);
const ruleRef = { role: roleName, rule: integer(0, 1024) };

const file = object({
  name: {
    type: 'string',
    enum: [
      'data_dir',
      'database',
      'database_wal',
      'database_shm',
      'master_key',
      'keyring',
      'tls_key',
      'tls_ca_key',
      'initial_password',
      'backup_leftover',
    ],
  },
  path,
  exists: { type: 'boolean' },
  mode: { type: ['string', 'null'], maxLength: 5, pattern: '^0[0-7]{3}$' },
  owned_by_server: { type: ['boolean', 'null'] },
  group_or_other_access: { type: ['boolean', 'null'] },
});

export const postureSchema = {
  $id: 'Posture',
  ...object(
    {
      format: { type: 'string', enum: ['strongroom-posture-v1'] },
      generated_at: timestamp,
      version: plainText(64, 1),
      mode: { type: 'string', enum: ['development', 'production'] },
      root_key: object({
        source: {
          type: 'string',
          enum: ['development-key-file', 'key-file', 'configured', 'sealed-keyring'],
        },
        sealed: { type: 'boolean' },
        file_inside_data_dir: { type: 'boolean' },
      }),
      initial_password_file: object({ exists: { type: 'boolean' } }),
      tls: object({
        development_certificate: { type: 'boolean' },
        http_port: { ...integer(0, 65_535), type: ['integer', 'null'] },
        trust_proxy: { type: 'boolean' },
      }),
      log_level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
      passwords: object({
        argon2: hashParams,
        owasp_minimum: hashParams,
        meets_owasp_minimum: { type: 'boolean' },
        users: count,
        outdated_argon2: countedIds('Users whose argon2id hash has weaker parameters than the current ones'),
        bcrypt: countedIds('Users whose imported bcrypt hash has not been upgraded yet'),
      }),
      administrators: object({
        count,
        login_window_days: count,
        without_recent_login: countedIds('Enabled administrators with no password login within the window'),
        unrotated_api_keys: countedIds(
          'Enabled administrators whose newest live API key is older than max_age_days',
        ),
      }),
      api_keys: object({
        live: count,
        max_age_days: count,
        older_than_max_age: countedIds('Live API keys created more than max_age_days ago'),
        without_expiry: countedIds('Live API keys that never expire'),
      }),
      keys: object({
        rotation_days: count,
        signing: object({ created_at: nullableTimestamp, age_days: nullableCount, rotation_days: count }),
        master: object({ created_at: nullableTimestamp, age_days: nullableCount }),
        data: object({
          live: count,
          older_than_rotation: countedIds('Data keys whose newest version is older than rotation_days'),
        }),
      }),
      audit: object({
        head_seq: count,
        anchor_seq: count,
        latest_checkpoint: {
          type: ['object', 'null'],
          required: ['seq', 'time', 'age_seconds'],
          additionalProperties: false,
          properties: { seq: count, time: timestamp, age_seconds: count },
        },
        events_since_checkpoint: count,
        unsigned_age_seconds: nullableCount,
        checkpoint_seconds: count,
        checkpoint_events: count,
        checkpoint_fresh: { type: 'boolean' },
        healthy: { type: 'boolean' },
        mirror_configured: { type: 'boolean' },
        sinks: {
          type: 'array',
          maxItems: 8,
          items: object({ kind: { type: 'string', enum: ['syslog', 'webhook'] } }),
        },
        retention_days: count,
      }),
      limits: object({
        throttle: object({ account: throttle, address: throttle, password_check: throttle }),
        quotas: {
          type: 'array',
          maxItems: QUOTA_GROUPS.length,
          items: object({
            group: { type: 'string', enum: [...QUOTA_GROUPS] },
            capacity: count,
            per_minute: count,
          }),
        },
      }),
      deployment: object({
        database: { type: 'string', enum: ['sqlite', 'postgres'] },
        redis_configured: { type: 'boolean' },
      }),
      files: { type: 'array', maxItems: 32, items: file },
      policy: object({
        version: count,
        plain_without_purpose: {
          type: 'array',
          maxItems: 1024,
          items: object({ ...ruleRef, conditional: { type: 'boolean' } }),
        },
        wildcard_grants: { type: 'array', maxItems: 1024, items: object(ruleRef) },
      }),
    },
    'The security posture of this deployment (docs/checks.md, `strongroom check deployment`)',
  ),
} as const;

/** The query of GET /v1/sys/posture: the age windows the counts use. */
export const postureQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_key_age_days: {
      ...integer(1, 3650),
      description: 'API keys older than this are counted (default 90)',
    },
    login_window_days: {
      ...integer(1, 3650),
      description: 'Administrators with no login within this many days are counted (default 90)',
    },
    key_rotation_days: {
      ...integer(1, 3650),
      description: 'Master and data keys older than this are counted (default 365)',
    },
  },
} as const;
