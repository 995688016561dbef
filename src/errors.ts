/**
 * The one table of error codes. Every error that leaves the server is one of these: a stable code, an HTTP
 * status and a public message. Messages may name a field, never echo a value (see `AppError.field`).
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  MALFORMED_URL: { status: 400, message: 'The request URL is not valid' },
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP' },
  SENSITIVE_DATA_IN_URL: {
    status: 400,
    message: 'Sensitive data must not be sent in the URL; send it in the body or a header',
  },
  UNKNOWN_FIELD: { status: 400, message: 'The field is not declared in the collection' },
  FIELD_REQUIRED: { status: 400, message: 'A required field is missing' },
  FIELD_NOT_SEARCHABLE: { status: 400, message: 'The field is not a searchable sensitive field' },
  FIELD_NOT_FILTERABLE: {
    status: 400,
    message: 'Only non-sensitive, non-personal fields can be filtered on; search the others in the body',
  },
  FIELD_NOT_SENSITIVE: { status: 400, message: 'Only sensitive fields can be tokenized' },
  FIELD_EMPTY: { status: 400, message: 'The field has no value in this record' },
  TOKEN_FORMAT_UNSUPPORTED: {
    status: 400,
    message: 'Format-preserving tokens exist only for card_number values',
  },
  PURPOSE_UNKNOWN: {
    status: 400,
    message: 'The X-Access-Purpose header names a purpose the policy does not configure',
  },
  UNSEAL_FAILED: {
    status: 400,
    message: 'The shares do not recover the root key; unseal progress was reset',
  },
  PASSWORD_TOO_SHORT: { status: 400, message: 'The password is too short' },
  PASSWORD_TOO_LONG: { status: 400, message: 'The password is too long' },
  PASSWORD_TOO_COMMON: { status: 400, message: 'The password is too common or too easy to guess' },
  PASSWORD_CHECK_TIMEOUT: {
    status: 400,
    message: 'The password could not be checked in time, so it was not accepted; choose another one',
  },
  INVALID_PASSWORD_HASH: {
    status: 400,
    message: 'The password hash is not a supported argon2id or bcrypt hash',
  },
  AUTHENTICATION_REQUIRED: { status: 401, message: 'Authentication is required' },
  INVALID_TOKEN: { status: 401, message: 'The credentials are invalid, expired or revoked' },
  AMBIGUOUS_CREDENTIALS: {
    status: 401,
    message: 'Send exactly one credential header: Authorization or X-API-Key, not both',
  },
  INVALID_CREDENTIALS: { status: 401, message: 'The username or password is incorrect' },
  INVALID_REFRESH_TOKEN: { status: 401, message: 'The refresh token is invalid, expired or revoked' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this' },
  PURPOSE_REQUIRED: {
    status: 403,
    message: 'Access to sensitive data must state its purpose in the X-Access-Purpose header',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    message: 'An administrator reset your password: change it (PUT /v1/me/password) before anything else',
  },
  NOT_FOUND: { status: 404, message: 'Not found' },
  COLLECTION_NOT_FOUND: { status: 404, message: 'The collection does not exist' },
  RECORD_NOT_FOUND: { status: 404, message: 'The record does not exist' },
  TOKEN_NOT_FOUND: { status: 404, message: 'The token does not exist' },
  KEY_JOB_NOT_FOUND: { status: 404, message: 'The key job does not exist' },
  USER_NOT_FOUND: { status: 404, message: 'The user does not exist' },
  API_KEY_NOT_FOUND: { status: 404, message: 'The API key does not exist' },
  POLICY_VERSION_NOT_FOUND: { status: 404, message: 'No policy version with this number is stored' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time' },
  USERNAME_TAKEN: { status: 409, message: 'The username is already taken' },
  COLLECTION_EXISTS: { status: 409, message: 'A collection with this name already exists' },
  RECORD_CHANGED: { status: 409, message: 'The record was changed by another request; read it and retry' },
  TOKEN_COLLISION: {
    status: 409,
    message: 'Another card already has this format-preserving token; use a random token for this card',
  },
  KEY_JOB_RUNNING: { status: 409, message: 'A key job is already running for this key' },
  COLLECTION_LIMIT_REACHED: {
    status: 409,
    message: 'As many collections exist as this server allows',
  },
  API_KEY_LIMIT_REACHED: {
    status: 409,
    message: 'This user has as many live API keys as allowed; revoke one first',
  },
  ALREADY_UNSEALED: { status: 409, message: 'The vault is already unsealed' },
  SERVICE_ACCOUNT_HAS_NO_PASSWORD: {
    status: 409,
    message: 'A service account has no password to reset; mint or revoke its API keys instead',
  },
  NOT_A_SERVICE_ACCOUNT: {
    status: 409,
    message: 'Administrators mint API keys for service accounts only; people mint their own',
  },
  SUBJECT_ERASED: { status: 410, message: "The subject's data has been erased" },
  LAST_ADMIN: {
    status: 409,
    message:
      'The last enabled account that can manage users or the policy cannot be removed, disabled or demoted',
  },
  POLICY_LOCKOUT: {
    status: 409,
    message:
      'The policy would lock administrators out: keep manage_policies on system/policies for your roles, and manage_users and manage_policies for some enabled account',
  },
  PRECONDITION_FAILED: {
    status: 412,
    message: 'It changed since the version in If-Match; read it again (its ETag) and retry',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  URL_TOO_LONG: { status: 414, message: 'The request URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json' },
  HTTPS_REQUIRED: {
    status: 426,
    message: 'This API is served over HTTPS only; any credential sent here has been revoked',
  },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed attempts; retry later' },
  RATE_LIMITED: {
    status: 429,
    message: 'The quota for these requests is used up; retry after the seconds in Retry-After',
  },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large' },
  INTERNAL_ERROR: { status: 500, message: 'internal error' },
  // Internal codes (5xx, not in PUBLIC_SERVER_ERRORS): they never leave the process; a client sees INTERNAL_ERROR.
  TOKEN_KEY_INVALID: { status: 500, message: 'A token key is not valid (internal)' },
  TOKEN_INPUT_INVALID: { status: 500, message: 'A value cannot be tokenized (internal)' },
  CONFIG_NOT_A_NUMBER: { status: 500, message: 'A setting is not a whole number (internal)' },
  CONFIG_OUT_OF_RANGE: { status: 500, message: 'A setting is out of range (internal)' },
  CONFIG_INVALID_VALUE: { status: 500, message: 'A setting has an invalid value (internal)' },
  CONFIG_CONFLICT: { status: 500, message: 'Settings conflict (internal)' },
  CONFIG_PRODUCTION_REFUSED: { status: 500, message: 'Production mode refused the configuration (internal)' },
  CONFIG_POLICY_FILE_UNREADABLE: { status: 500, message: 'The policy file cannot be read (internal)' },
  CONFIG_POLICY_FILE_INVALID: { status: 500, message: 'The policy file is not valid (internal)' },
  CONFIG_FILE_MISSING: { status: 500, message: 'A configured key file does not exist (internal)' },
  CONFIG_FILE_INSECURE: {
    status: 500,
    message: 'A key file or the data directory is not private to the user running Strongroom (internal)',
  },
  CONFIG_KEYRING_INVALID: { status: 500, message: 'The sealed keyring file is not valid (internal)' },
  CONFIG_ROOT_KEY_MISMATCH: { status: 500, message: 'The root key does not open this data (internal)' },
  CONFIG_TLS_FILE_UNREADABLE: { status: 500, message: 'A TLS file cannot be read (internal)' },
  CONFIG_TLS_FILE_INVALID: {
    status: 500,
    message: 'A TLS file is not a valid certificate, or key of the certificate (internal)',
  },
  TLS_HOSTS_INVALID: {
    status: 500,
    message: 'The hosts of a development certificate are not valid (internal)',
  },
  KEYRING_EXISTS: { status: 500, message: 'The sealed keyring file already exists (internal)' },
  SEALED_VALUE_INVALID: { status: 500, message: 'A sealed value is malformed (internal)' },
  SEALED_VALUE_FAILED_AUTH: { status: 500, message: 'A sealed value failed authentication (internal)' },
  CRYPTO_INVALID_ARGUMENT: {
    status: 500,
    message: 'Key or key derivation arguments are not valid (internal)',
  },
  MASTER_KEY_UNAVAILABLE: { status: 500, message: 'A master key version is not available (internal)' },
  DATA_KEY_UNAVAILABLE: { status: 500, message: 'A data key version is missing or retired (internal)' },
  SIGNING_KEY_NOT_LOADED: { status: 500, message: 'No token signing key is loaded (internal)' },
  AUDIT_CHECKPOINT_KEY_MISMATCH: {
    status: 500,
    message: 'The stored audit checkpoint key does not match its id (internal)',
  },
  SUBJECT_STATE_INCONSISTENT: { status: 500, message: 'A subject is not in the expected state (internal)' },
  POLICY_NOT_LOADED: { status: 500, message: 'The policy has not been loaded (internal)' },
  PREPARED_QUERY_INVALID: { status: 500, message: 'A prepared query is not valid (internal)' },
  MIGRATION_FAILED: { status: 500, message: 'A database migration failed (internal)' },
  ROUTE_CONFIG_INVALID: { status: 500, message: 'A route declares its access level wrongly (internal)' },
  FIELD_CIPHERTEXT_MALFORMED: { status: 500, message: 'A field ciphertext is malformed (internal)' },
  FIELD_KEY_MISMATCH: {
    status: 500,
    message: 'A field ciphertext was made with another data key (internal)',
  },
  FIELD_DECRYPT_FAILED: { status: 500, message: 'A field ciphertext failed authentication (internal)' },
  DATA_KEY_UNWRAP_FAILED: { status: 500, message: 'A data key could not be unwrapped (internal)' },
  FIELD_CRYPTO_INVALID_ARGUMENT: { status: 500, message: 'Field crypto arguments are not valid (internal)' },
  BACKUP_KEY_INVALID: {
    status: 500,
    message: 'The backup key file is missing, not a backup key, or readable by other users (internal)',
  },
  BACKUP_WRONG_KEY: { status: 500, message: 'The backup was made with another backup key (internal)' },
  BACKUP_CORRUPT: {
    status: 500,
    message: 'The backup file is not a Strongroom backup, or was altered (internal)',
  },
  BACKUP_TRUNCATED: { status: 500, message: 'The backup file ends before its last chunk (internal)' },
  BACKUP_TARGET_NOT_EMPTY: {
    status: 500,
    message: 'The restore target is not an empty directory (internal)',
  },
  BACKUP_FILE_EXISTS: { status: 500, message: 'The file to create exists already (internal)' },
  BACKUP_UNSUPPORTED_DATABASE: {
    status: 500,
    message: 'backup create works on SQLite only; back PostgreSQL up with pg_dump (internal)',
  },
  BACKUP_SCHEMA_TOO_NEW: {
    status: 500,
    message: 'The backup holds migrations this Strongroom does not know (internal)',
  },
  BACKUP_ERASURE_LOG_REQUIRED: {
    status: 500,
    message: 'A restore needs the erasure log recorded since the backup (internal)',
  },
  BACKUP_ERASURE_LOG_INVALID: {
    status: 500,
    message: 'The erasure log does not continue the backup audit chain (internal)',
  },
  SHAMIR_INVALID_ARGUMENT: { status: 500, message: 'Shamir arguments are not valid (internal)' },
  SHAMIR_SHARE_MALFORMED: { status: 500, message: 'A share is not a Strongroom share (internal)' },
  SHAMIR_SHARE_CHECKSUM: { status: 500, message: 'A share has a bad checksum (internal)' },
  SHAMIR_SHARE_DUPLICATE: { status: 500, message: 'A share was given twice (internal)' },
  SHAMIR_SHARES_INCONSISTENT: { status: 500, message: 'The shares do not belong together (internal)' },
  SHAMIR_TOO_FEW_SHARES: { status: 500, message: 'Too few shares (internal)' },
  SHAMIR_COMBINE_FAILED: { status: 500, message: 'The shares do not combine to the secret (internal)' },
  SEALED: { status: 503, message: 'The vault is sealed; operators must unseal it with their key shares' },
  NOT_READY: { status: 503, message: 'The service is not ready' },
  AUDIT_UNAVAILABLE: {
    status: 503,
    message: 'The audit trail cannot be written, so the request was not served; retry later',
  },
  SERVICE_BUSY: { status: 503, message: 'The server is busy; retry after the time in Retry-After' },
  DEPENDENCY_UNAVAILABLE: {
    status: 503,
    message: 'A service this request needs is unavailable, so it was not served; retry later',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** 5xx codes that may be shown as they are; every other 5xx is reported as INTERNAL_ERROR. */
export const PUBLIC_SERVER_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'NOT_READY',
  'SERVICE_BUSY',
  'SEALED',
  'AUDIT_UNAVAILABLE',
  'DEPENDENCY_UNAVAILABLE',
]);

/** The branch of an answer that hides existence: the thing exists but is not the caller's, or it does not exist. */
export type HidingBranch = 'refused' | 'missing';

interface AppErrorOptions {
  /** Path of the offending field (e.g. `body.password`, `body.roles/0`); never its value. */
  field?: string;
  /** Overrides the table message; must never contain a submitted value. */
  message?: string;
  /** Seconds until a retry may succeed (429, 503). */
  retryAfter?: number;
  /**
   * An answer that hides whether something exists (a record hidden from the caller and a missing one both answer
   * RECORD_NOT_FOUND): which branch this is. Both are audited alike, `refused` as a denial and `missing` as
   * not found (services/hidden-existence.ts makes these errors).
   */
  hides?: HidingBranch;
  /** Why a refusal was refused, for its audit event: a stable code and, for a policy rule, which rule. */
  reason?: RefusalReason;
  cause?: unknown;
}

/** What the audit trail records of a refusal (see audit/audit-event.ts `AuditReason`): never a value. */
export interface RefusalReason {
  code: string;
  role?: string;
  rule?: number;
  policy_version?: number;
}

/** The only error class: carries a stable code; status and public message come from the table. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly retryAfter: number | undefined;
  readonly reason: RefusalReason | undefined;
  readonly hides: HidingBranch | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    // No global state is touched here (an earlier version lowered Error.stackTraceLimit around super()).
    super(
      options.message ?? ERRORS[code].message,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.field = options.field;
    this.retryAfter = options.retryAfter;
    this.reason = options.reason;
    this.hides = options.hides;
  }
}

/** True when `value` is an AppError with the given code (or any code). */
export function isAppError(value: unknown, code?: ErrorCode): value is AppError {
  return value instanceof AppError && (code === undefined || value.code === code);
}
