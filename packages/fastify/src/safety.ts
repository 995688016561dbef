/**
 * `strongroomSafety(options?)`: a Fastify plugin applying Strongroom's transport and URL practices to every route
 * of the application (see @strongroom/node-core's safety.ts): 426 for plain HTTP (proxy-aware), 400 for secrets in
 * URLs, HSTS, nosniff, no referrer, `Cache-Control: no-store` on answers to requests with credentials, no
 * `X-Powered-By`. Register it first, at the root.
 */
import type { TLSSocket } from 'node:tls';
import { carriesCredential, createSafety, type SafetyOptions } from '@strongroom/node-core';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { sendRefusal } from './reply-refusal.js';

/** Creates the plugin; throws StrongroomOptionsError at once on an invalid `trustProxy`. */
export function strongroomSafety(options: SafetyOptions = {}): FastifyPluginAsync {
  const safety = createSafety(options);
  return fp(
    async (app) => {
      app.addHook('onRequest', async (request, reply) => {
        const socket = request.raw.socket as Partial<TLSSocket>;
        const refused = safety.check({
          url: request.raw.url ?? '/',
          headers: request.headers,
          encrypted: socket.encrypted === true,
          remoteAddress: socket.remoteAddress,
        });
        if (refused !== null) return sendRefusal(request, reply, refused);
        return undefined;
      });
      app.addHook('onSend', async (request, reply, payload) => {
        const isAuthenticated =
          carriesCredential(request.headers) || (request as { strongroom?: unknown }).strongroom != null;
        reply.headers(safety.headersFor(isAuthenticated));
        reply.removeHeader('x-powered-by');
        return payload;
      });
    },
    { fastify: '5.x' },
  );
}
