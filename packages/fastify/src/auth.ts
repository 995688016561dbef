/**
 * `strongroomAuth(options)`: a Fastify plugin that authenticates every request of the scope it is registered in
 * with a Strongroom access token (see @strongroom/node-core's authenticator.ts for what is checked) and puts
 * `{ userId, sessionId, roles }` on `request.strongroom`. Refusals are answered in `onRequest`, before the body is
 * read, in Strongroom's error shape. Register it inside a child scope to protect only the routes of that scope,
 * or with `roles` to restrict them.
 */
import {
  createStrongroomAuthenticator,
  type StrongroomAuthOptions,
  type StrongroomIdentity,
} from '@strongroom/node-core';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { sendRefusal } from './reply-refusal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, on routes behind `strongroomAuth`; null elsewhere. */
    strongroom: StrongroomIdentity | null;
  }
}

/** Creates the plugin; throws StrongroomOptionsError at once on invalid options. */
export function strongroomAuth(options: StrongroomAuthOptions): FastifyPluginAsync {
  const authenticator = createStrongroomAuthenticator(options);
  return fp(
    async (app) => {
      if (!app.hasRequestDecorator('strongroom')) app.decorateRequest('strongroom', null);
      app.addHook('onClose', async () => authenticator.close());
      app.addHook('onRequest', async (request, reply) => {
        const result = await authenticator.authenticate({
          url: request.raw.url ?? '/',
          headers: request.headers,
        });
        if (!result.ok) return sendRefusal(request, reply, result.refusal);
        request.strongroom = result.identity;
        reply.header('cache-control', 'no-store');
        return undefined;
      });
    },
    { fastify: '5.x' },
  );
}
