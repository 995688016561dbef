/**
 * The servers of the middleware benchmark (middleware.ts), run in a benchmark child: one small route, `GET /me`
 * answering the caller, on Fastify or Express over the benchmark's TLS certificate, in three variants:
 * - `none`: no middleware, a fixed answer (the ceiling);
 * - `strongroom`: `strongroomSafety` + `strongroomAuth` against the benchmark's Strongroom (JWKS and
 *   introspection), as an application would use them;
 * - `jwt`: the usual way to check the same tokens with the same Ed25519 key (Strongroom's published one):
 *   `@fastify/jwt` on Fastify; on Express a hand-rolled jose `jwtVerify` with the key imported once, since
 *   express-jwt (jsonwebtoken 9) does not verify EdDSA. Both pin EdDSA and check iss, aud and exp, and neither
 *   asks Strongroom whether the session was revoked.
 * No logger in any variant: the benchmark compares the authentication paths.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import fastifyJwt from '@fastify/jwt';
import * as strongroomExpress from '@strongroom/express';
import * as strongroomFastify from '@strongroom/fastify';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { createTlsServerOptions, loadTlsFiles } from '../src/tls/index.js';
import type { TlsPaths } from './ipc.js';
import type { BenchServer } from './strongroom-server.js';

export type MiddlewareFramework = 'fastify' | 'express';
export type MiddlewareVariant = 'none' | 'strongroom' | 'jwt';

export interface MiddlewareAppOptions {
  framework: MiddlewareFramework;
  variant: MiddlewareVariant;
  tls: TlsPaths;
  strongroomUrl: string;
  /** PEM of the CA of Strongroom's (and these servers') certificate. */
  ca: string;
  introspectionKey: string;
  /** Strongroom's published key set, fetched once by the runner (the `jwt` variant's key). */
  jwks: JSONWebKeySet;
}

// Strongroom's defaults (src/config.ts): the tokens of the benchmark server carry these.
const ISSUER = 'strongroom';
const AUDIENCE = 'strongroom-api';
const FIXED = { userId: 'bench-user', sessionId: 'bench-session', roles: ['user'] };

/** Strongroom's signing key as PEM (node:crypto imports the JWK; @fastify/jwt wants PEM). */
function publicKeyPem(jwks: JSONWebKeySet): string {
  const [key] = jwks.keys;
  if (key === undefined) throw new Error('Strongroom published no key');
  return createPublicKey({ key: key as JsonWebKey, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

async function startFastify(options: MiddlewareAppOptions): Promise<BenchServer> {
  const tls = await loadTlsFiles(options.tls.certPath, options.tls.keyPath);
  const app = Fastify({ logger: false, https: createTlsServerOptions(tls) });
  if (options.variant === 'strongroom') {
    const { strongroomAuth, strongroomSafety } = strongroomFastify;
    await app.register(strongroomSafety());
    await app.register(
      strongroomAuth({
        url: options.strongroomUrl,
        ca: options.ca,
        introspectionKey: options.introspectionKey,
      }),
    );
    app.get('/me', async (request) => request.strongroom);
  } else if (options.variant === 'jwt') {
    await app.register(fastifyJwt, {
      secret: { public: publicKeyPem(options.jwks) },
      verify: { algorithms: ['EdDSA'], allowedIss: ISSUER, allowedAud: AUDIENCE, requiredClaims: ['exp'] },
    });
    app.get('/me', async (request) => {
      const claims = await request.jwtVerify<{ sub: string; sid: string; roles: string[] }>();
      return { userId: claims.sub, sessionId: claims.sid, roles: claims.roles };
    });
  } else {
    app.get('/me', async () => FIXED);
  }
  app.setErrorHandler((_error, _request, reply) =>
    reply.code(401).send({ error: { code: 'INVALID_TOKEN' } }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

/** jose's `jwtVerify` with Strongroom's key set imported once: the hand-rolled Express baseline. */
function joseMiddleware(jwks: JSONWebKeySet) {
  const keys = createLocalJWKSet(jwks);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    try {
      if (header?.startsWith('Bearer ') !== true) throw new Error('no token');
      const { payload } = await jwtVerify(header.slice(7), keys, {
        algorithms: ['EdDSA'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp'],
      });
      res.locals.user = { userId: payload.sub, sessionId: payload.sid, roles: payload.roles };
      next();
    } catch {
      res.status(401).json({ error: { code: 'INVALID_TOKEN' } });
    }
  };
}

async function startExpress(options: MiddlewareAppOptions): Promise<BenchServer> {
  const tls = await loadTlsFiles(options.tls.certPath, options.tls.keyPath);
  const app = express();
  app.disable('x-powered-by');
  let close: () => void = () => undefined;
  if (options.variant === 'strongroom') {
    const { strongroomAuth, strongroomSafety } = strongroomExpress;
    const auth = strongroomAuth({
      url: options.strongroomUrl,
      ca: options.ca,
      introspectionKey: options.introspectionKey,
    });
    close = () => auth.close();
    app.get('/me', strongroomSafety(), auth, (req, res) => {
      res.json(req.strongroom);
    });
  } else if (options.variant === 'jwt') {
    app.get('/me', joseMiddleware(options.jwks), (_req, res) => {
      res.json(res.locals.user);
    });
  } else {
    app.get('/me', (_req, res) => {
      res.json(FIXED);
    });
  }
  const server = https.createServer(createTlsServerOptions(tls), app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts one variant of the benchmark route on an ephemeral loopback port. */
export function startMiddlewareApp(options: MiddlewareAppOptions): Promise<BenchServer> {
  return options.framework === 'fastify' ? startFastify(options) : startExpress(options);
}
