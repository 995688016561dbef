/**
 * The web console at `/console/` (packages/console, docs/console.md): its files from a closed table read at start
 * (console-files.ts), on the HTTPS listener like every route (the plain-HTTP port serves nothing). Every answer
 * under `/console/`, a 404 included, carries the console's CSP: scripts, styles, images and fetches from this
 * origin only, no inline script or style, nothing evaluated, never framed, and Trusted Types required for every
 * DOM sink with no policy allowed to be created, so no string can become markup or script. The page calls the API
 * on this origin with tokens it keeps in memory; these routes themselves are public, like /docs (static files,
 * no data), exempt from quotas and left out of the OpenAPI document.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { type ConsoleFile, consoleDistDir, readConsoleFiles } from './console-files.js';

export const CONSOLE_PREFIX = '/console';

/** The CSP of every `/console/` answer (the API's own answers keep `default-src 'none'`). */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  // The console creates no Trusted Types policy (Preact sets text and attributes, never markup): none may exist.
  "trusted-types 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

const route = { config: { access: 'public', quota: 'exempt' }, schema: { hide: true } } as const;

/**
 * Registers `/console` (a redirect to `/console/`) and `/console/*`. `files` defaults to the built console
 * (packages/console/dist); without a build every path under `/console/` answers 404 NOT_FOUND.
 */
export async function registerConsolePage(
  app: FastifyInstance,
  files: ReadonlyMap<string, ConsoleFile> = readConsoleFiles(consoleDistDir()),
): Promise<void> {
  if (files.size === 0) app.log.warn('the console is not built (npm run build): /console/ answers 404');
  await app.register(async (scope) => {
    // In this scope only, after the security headers (a parent's hook runs first): errors get it as well.
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      return payload;
    });
    scope.get(CONSOLE_PREFIX, route, async (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 308));
    scope.get<{ Params: { '*': string } }>(`${CONSOLE_PREFIX}/*`, route, async (request, reply) => {
      const wanted = request.params['*'];
      const file = files.get(wanted === '' ? 'index.html' : wanted);
      if (file === undefined) throw new AppError('NOT_FOUND');
      reply.header('content-type', file.contentType);
      reply.header('cache-control', file.immutable ? IMMUTABLE : 'no-store');
      return reply.send(file.body);
    });
  });
}
