/**
 * `strongroomSafety(options?)`: a Fastify plugin applying Strongroom's transport and URL practices to every route
 * of the application (see @strongroom/node-core's safety.ts): 426 for plain HTTP (proxy-aware), 400 for secrets in
 * URLs, HSTS, nosniff, no referrer, `Cache-Control: no-store` on answers to requests with credentials (set before
 * the route runs; `strongroomAuth` sets it again on authenticated requests). Fastify never sends `X-Powered-By`.
 * Register it first, at the root.
 */
import type { TLSSocket } from 'node:tls';
import { carriesCredential, createSafety, type SafetyOptions } from '@strongroom/node-core';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { sendRefusal } from './reply-refusal.js';

/** Creates the plugin; throws StrongroomOptionsError at once on an invalid `trustProxy`. */
export function strongroomSafety(options: SafetyOptions = {}): FastifyPluginAsync {
  const safety = createSafety(options);
  // The two header sets as flat [name, value, …] lists, built once: reply.headers(object) lists the object's keys
  // on every request.
  const flat = (headers: Readonly<Record<string, string>>) => Object.entries(headers).flat();
  const plain = flat(safety.headersFor(false));
  const withCredential = flat(safety.headersFor(true));
  return fp(
    async (app) => {
      // One synchronous hook, headers set before the route runs: an async hook or an onSend hook costs a
      // measurable share of a small route's throughput. Refusals and route answers get the headers alike.
      app.addHook('onRequest', (request, reply, done) => {
        const socket = request.raw.socket as Partial<TLSSocket>;
        const headers = carriesCredential(request.headers) ? withCredential : plain;
        for (let i = 0; i < headers.length; i += 2) reply.header(headers[i] as string, headers[i + 1]);
        const refused = safety.check({
          url: request.raw.url ?? '/',
          headers: request.headers,
          encrypted: socket.encrypted === true,
          remoteAddress: socket.remoteAddress,
        });
        if (refused === null) {
          done();
          return;
        }
        sendRefusal(request, reply, refused);
      });
    },
    { fastify: '5.x' },
  );
}
