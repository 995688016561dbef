/**
 * Whether an error means the database could not be reached or did not answer in time (as opposed to a bug or bad
 * data): connection refused, reset or terminated (a restart, `pg_terminate_backend`, a cut proxy), a pool or
 * statement timeout, a server shutting down or out of connections, SQLite busy beyond its timeout. Such a request
 * is answered `503 DEPENDENCY_UNAVAILABLE`; anything else stays an internal error.
 */
const SQLSTATES: ReadonlySet<string> = new Set([
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '53300', // too_many_connections
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

const SYSTEM_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'SQLITE_BUSY',
]);

// node-postgres reports these as plain Errors without a code.
const PG_MESSAGES =
  /^(?:Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection terminated unexpectedly)/;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (SQLSTATES.has(code) || SYSTEM_CODES.has(code))) return true;
  if (typeof message === 'string' && PG_MESSAGES.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
