/**
 * The composition root: a core (stores, services, their lifecycle; src/core) and the HTTP app on top of it
 * (src/http/create-http-app.ts). Builds and starts the core, never listens (see cli/serve).
 */
import type { DestinationStream } from 'pino';
import type { Config } from './config.js';
import { type Core, createCore } from './core/index.js';
import { createHttpApp, type HttpAppOptions } from './http/create-http-app.js';
import { createLogger, type Logger } from './log.js';

export interface AppOptions extends HttpAppOptions {
  logDestination?: DestinationStream;
  logger?: Logger;
  /** Milliseconds since the epoch; tests freeze or move time. */
  clock?: () => number;
  /** Milliseconds that never step back (default `performance.now`): cache entry ages; tests move it by hand. */
  monotonicClock?: () => number;
}

/** Builds and starts the core, then the HTTP app on it; a failure stops the core again. */
export async function buildApp(config: Readonly<Config>, options: AppOptions) {
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
  const core = await createCore(config, {
    logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.monotonicClock === undefined ? {} : { monotonicClock: options.monotonicClock }),
  });
  const app = await startWithHttp(core, options);
  return {
    app,
    core,
    logger,
    masterKeySource: core.masterKeySource,
    rootKey: core.rootKey,
    sealedKeyring: core.sealedKeyring,
    services: core.services,
  };
}

export type StrongroomApp = Awaited<ReturnType<typeof buildApp>>;

/** Starts `core` and builds its HTTP app (bench/ uses it with a core of its own making). */
export async function startWithHttp(core: Core, options: HttpAppOptions) {
  try {
    await core.start();
    return await createHttpApp(core, {
      tls: options.tls,
      ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeoutMs: options.keepAliveTimeoutMs }),
    });
  } catch (error) {
    await core.stop();
    throw error;
  }
}
