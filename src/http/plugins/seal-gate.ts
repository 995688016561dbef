/**
 * While the root key is sealed, every route answers `503 SEALED` before authentication, body parsing or any
 * handler runs, except those that must work to operate a sealed server: liveness and readiness, the JWKS, the API
 * description and the seal routes themselves (`/v1/sys/*`).
 * Invariant: no data route (login included) ever runs without the root key, so nothing can fall back to a weaker
 * key or serve from half-loaded keyrings (the holder reports sealed until its unseal listeners have finished).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { RootKey } from '../../crypto/index.js';
import { AppError } from '../../errors.js';

const OPEN_ROUTES: ReadonlySet<string> = new Set([
  '/healthz',
  '/readyz',
  '/.well-known/jwks.json',
  '/openapi.json',
]);

/** True for the routes served while sealed (route patterns, so a raw URL cannot sneak past with `..` or `%2F`). */
export function isOpenWhileSealed(route: string): boolean {
  return (
    OPEN_ROUTES.has(route) || route === '/docs' || route.startsWith('/docs/') || route.startsWith('/v1/sys/')
  );
}

async function sealGate(
  app: FastifyInstance,
  options: { rootKey: Pick<RootKey, 'isSealed'> },
): Promise<void> {
  // Callback-style (not async): a hook that answers at once costs no promise on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    // No route matched: the 404 handler answers, which serves nothing.
    if (options.rootKey.isSealed() && route !== undefined && !isOpenWhileSealed(route)) {
      done(new AppError('SEALED'));
      return;
    }
    done();
  });
}

export default fp(sealGate, { name: 'seal-gate' });
