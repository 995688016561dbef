/**
 * `strongroomAuth(options)`: a Fastify plugin that authenticates every request of the scope it is registered in
 * with a Strongroom access token (see @strongroom/node-core's authenticator.ts for what is checked) and puts
 * `{ userId, sessionId, roles }` on `request.strongroom`. Refusals are answered in `onRequest`, before the body is
 * read, in Strongroom's error shape. Register it inside a child scope to protect only the routes of that scope,
 * or with `roles` to restrict them.
 */
import {
  type AuthResult,
  createStrongroomAuthenticator,
  type StrongroomAuthOptions,
  type StrongroomIdentity,
} from '@strongroom/node-core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { sendRefusal } from './reply-refusal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, on routes behind `strongroomAuth`; null elsewhere. */
    strongroom: StrongroomIdentity | null;
  }
}

/** Puts the caller on the request and lets it through, or answers the refusal (and the chain stops there). */
function finish(
  request: FastifyRequest,
  reply: FastifyReply,
  result: AuthResult,
  done: HookHandlerDoneFunction,
): void {
  if (!result.ok) {
    sendRefusal(request, reply, result.refusal);
    return;
  }
  request.strongroom = result.identity;
  // Usually set already by strongroomSafety (the request carried a credential): not set twice.
  if (reply.getHeader('cache-control') !== 'no-store') reply.header('cache-control', 'no-store');
  done();
}

/** Creates the plugin; throws StrongroomOptionsError at once on invalid options. */
export function strongroomAuth(options: StrongroomAuthOptions): FastifyPluginAsync {
  const authenticator = createStrongroomAuthenticator(options);
  return fp(
    async (app) => {
      if (!app.hasRequestDecorator('strongroom')) app.decorateRequest('strongroom', null);
      app.addHook('onClose', async () => authenticator.close());
      // A callback hook, not an async one: a request whose token and session the caches vouch for is let
      // through synchronously (authenticateFast), without the Promise an async hook costs on every request.
      app.addHook('onRequest', (request, reply, done) => {
        const result = authenticator.authenticateFast({
          url: request.raw.url ?? '/',
          headers: request.headers,
        });
        if (result instanceof Promise) {
          result.then((settled) => finish(request, reply, settled, done)).catch(done);
          return;
        }
        finish(request, reply, result, done);
      });
    },
    { fastify: '5.x' },
  );
}
