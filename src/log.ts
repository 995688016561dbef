/**
 * The logger. Structured JSON (pino) in which nothing sensitive survives:
 * - key-level: credential headers and body fields (authorization, cookie, x-api-key, password, token, secret …) are
 *   censored wherever they appear in a logged object;
 * - value-level: every string in every logged object, and the message itself, is scrubbed of secret-shaped values
 *   (our API keys and refresh tokens, JWTs, card numbers, SSNs, emails, PEM private keys), errors included.
 * Request bodies are never passed to the logger in the first place.
 */

import { redactString, redactValue } from '@strongroom/redact';
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
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactString(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
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
