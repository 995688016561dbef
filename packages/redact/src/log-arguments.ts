/**
 * The arguments of a pino log call (`logger.info(obj?, msg?, ...args)`), scrubbed for a `logMethod` hook.
 *
 * Invariants: every string argument has passed `redactString`; when the call gives no message and its first
 * argument is an error (or holds one as `err`), the error's scrubbed message is passed as the message, since pino
 * would otherwise copy the raw `error.message` into `msg`, where no formatter or serializer sees it.
 */
import { redactString } from './redact-value.js';

function errorWithoutMessage(args: readonly unknown[]): Error | undefined {
  const [first, second] = args;
  if (typeof second === 'string') return undefined;
  if (first instanceof Error) return first;
  const nested = typeof first === 'object' && first !== null ? (first as { err?: unknown }).err : undefined;
  return nested instanceof Error ? nested : undefined;
}

/** Scrubbed copy of a log call's arguments; see the invariants above. */
export function redactLogArguments(args: readonly unknown[]): unknown[] {
  const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactString(arg) : arg));
  const error = errorWithoutMessage(args);
  if (error !== undefined) scrubbed.splice(1, 0, redactString(String(error.message)));
  return scrubbed;
}
