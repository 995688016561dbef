import { createLoggerOptions, type StrongroomLoggerOptions } from '@strongroom/node-core';

/** Options for pino or pino-http (`pinoHttp(strongroomLogger())`): see node-core's logger-options.ts. */
export function strongroomLogger(
  options: { level?: string; redactPaths?: readonly string[] } = {},
): StrongroomLoggerOptions {
  return createLoggerOptions(options);
}
