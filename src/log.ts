/**
 * The logger. Structured JSON (pino) in which nothing sensitive survives:
 * - key-level: credential headers and body fields (authorization, cookie, x-api-key, password, token, secret …) are
 *   censored wherever they appear in a logged object;
 * - value-level: every string in every logged object, and the message itself, is scrubbed of secret-shaped values
 *   (our API keys and refresh tokens, JWTs, card numbers, SSNs, emails, PEM private keys), errors included (an
 *   error logged without a message gives its scrubbed message, not its raw one: `redactLogArguments`).
 * Request bodies are never passed to the logger in the first place.
 */

import { redactLogArguments, redactValue } from '@strongroom/redact';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** Creates the process logger; `destination` defaults to stdout (tests pass a capturing stream). */
export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'strongroom' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      hooks: {
        logMethod(args, method) {
          return method.apply(this, redactLogArguments(args) as Parameters<typeof method>);
        },
      },
      formatters: {
        log: (object) => redactValue(object) as Record<string, unknown>,
        bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
