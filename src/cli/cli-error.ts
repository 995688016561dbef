/**
 * The CLI's errors and exit codes (docs/cli.md lists them). Server errors keep the server's code and message
 * (which never carry a value); the CLI's own errors have codes of their own. A message never holds a token,
 * password or key: none is ever put in one.
 */
import { StrongroomError } from '@strongroom/client';
import { CommanderError } from 'commander';
import { isConfigError } from '../config.js';
import { isAppError } from '../errors.js';

export const EXIT = {
  ok: 0,
  /** Anything else: a server error, a configuration error, a failed verification. */
  failed: 1,
  /** Bad usage or input refused before anything was sent (a flag, a file, YAML, JSON). */
  usage: 2,
  /** Not logged in, or the session ended: run `strongroom login`. */
  auth: 3,
  /** The server refused: the policy does not allow it. */
  forbidden: 4,
  /** No such user, collection, record, version… */
  notFound: 5,
  /** A conflict: the thing changed meanwhile, exists already, or is the last admin. */
  conflict: 6,
  /** A confirmation was refused. */
  declined: 7,
  /** The server could not be reached, or is sealed or busy. */
  unavailable: 8,
  /** A backup file or erasure log was refused (wrong key, altered, truncated): nothing was written. */
  backupRefused: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const OWN_CODES = {
  USAGE: EXIT.usage,
  NOT_LOGGED_IN: EXIT.auth,
  SESSION_FILE_UNSAFE: EXIT.auth,
  SESSION_FILE_INVALID: EXIT.auth,
  SESSION_BUSY: EXIT.unavailable,
  NOT_FOUND: EXIT.notFound,
  DECLINED: EXIT.declined,
  UNREACHABLE: EXIT.unavailable,
} as const;

export type CliErrorCode = keyof typeof OWN_CODES;

/** The backup commands' codes (src/errors.ts; they never reach a client) and their exit statuses. */
const BACKUP_CODES: Readonly<Record<string, ExitCode>> = {
  BACKUP_KEY_INVALID: EXIT.usage,
  BACKUP_UNSUPPORTED_DATABASE: EXIT.usage,
  BACKUP_ERASURE_LOG_REQUIRED: EXIT.usage,
  BACKUP_FILE_EXISTS: EXIT.conflict,
  BACKUP_TARGET_NOT_EMPTY: EXIT.conflict,
  BACKUP_WRONG_KEY: EXIT.backupRefused,
  BACKUP_CORRUPT: EXIT.backupRefused,
  BACKUP_TRUNCATED: EXIT.backupRefused,
  BACKUP_SCHEMA_TOO_NEW: EXIT.backupRefused,
  BACKUP_ERASURE_LOG_INVALID: EXIT.backupRefused,
};

/** An error the CLI raises itself; `code` decides the exit status. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function exitForStatus(status: number, code: string): ExitCode {
  if (status === 401) return EXIT.auth;
  if (status === 403) return EXIT.forbidden;
  if (status === 404 || status === 410) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status === 400 || status === 413 || status === 415 || status === 422) return EXIT.usage;
  if (status === 503 || status === 429 || code === 'UNEXPECTED_RESPONSE') return EXIT.unavailable;
  return EXIT.failed;
}

/** The cause's code of a network failure (undici throws TypeError('fetch failed') with the system error inside). */
function networkCode(error: unknown): string | null {
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    cause = cause.cause;
  }
  return null;
}

/** The line to print and the exit status for anything a command threw. */
export function describeError(error: unknown): { message: string; exit: ExitCode } {
  if (error instanceof StrongroomError) {
    const field = error.field === undefined ? '' : ` (${error.field})`;
    const request = error.requestId === undefined ? '' : ` [request ${error.requestId}]`;
    const hint =
      error.code === 'INVALID_TOKEN' || error.code === 'INVALID_REFRESH_TOKEN'
        ? '; log in again with `strongroom login`'
        : error.code === 'PASSWORD_CHANGE_REQUIRED'
          ? '; run `strongroom passwd`, then log in again'
          : '';
    return {
      message: `${error.code}: ${error.message.replace(/^[A-Z_]+: /, '')}${field}${hint}${request}`,
      exit: exitForStatus(error.status, error.code),
    };
  }
  if (error instanceof CliError)
    return { message: `${error.code}: ${error.message}`, exit: OWN_CODES[error.code] };
  if (error instanceof CommanderError) return { message: error.message, exit: EXIT.usage };
  if (isAppError(error) && BACKUP_CODES[error.code] !== undefined)
    return { message: `${error.code}: ${error.message}`, exit: BACKUP_CODES[error.code] ?? EXIT.failed };
  // Exit 1, as always: scripts and service managers already test for it.
  if (isConfigError(error)) return { message: `configuration error: ${error.message}`, exit: EXIT.failed };
  const network = networkCode(error);
  if (error instanceof TypeError && network !== null) {
    return {
      message: `UNREACHABLE: cannot reach the server (${network})${tlsHint(network)}`,
      exit: EXIT.unavailable,
    };
  }
  return { message: error instanceof Error ? maskQuoted(error.message) : 'unknown error', exit: EXIT.failed };
}

/**
 * An error nobody here wrote (a library's) may quote what it was given: undici's `Headers.append: "…" is an invalid
 * header value` quotes a whole credential. Double-quoted spans are masked; the rest of the message still says what
 * failed, and Node's own file errors (which quote paths in single quotes) keep the path.
 */
export function maskQuoted(message: string): string {
  return message.replace(/"[^"]*"/g, '"…"');
}

function isCertificateFailure(code: string): boolean {
  return code.includes('CERT') || code.includes('SELF_SIGNED') || code.includes('VERIFY');
}

const CA_NAMED = "naming the CA that issued it (a development server's is <data-dir>/tls/ca.pem)";

function tlsHint(code: string): string {
  return isCertificateFailure(code)
    ? `: the server's certificate does not verify; log in with --ca FILE ${CA_NAMED}`
    : '';
}

/**
 * `error` as a command run with an API key (STRONGROOM_TOKEN) reports it: a certificate that does not verify is
 * fixed by passing `--ca FILE` to the command itself, since a key has no login that could pin a CA.
 */
export function withApiKeyAdvice(error: unknown): unknown {
  const network = error instanceof TypeError ? networkCode(error) : null;
  if (network === null || !isCertificateFailure(network)) return error;
  return new CliError(
    'UNREACHABLE',
    `cannot reach the server (${network}): the server's certificate does not verify; pass --ca FILE ${CA_NAMED}`,
  );
}
