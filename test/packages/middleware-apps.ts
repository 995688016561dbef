/**
 * Two small applications protected by the Strongroom middleware, one on Fastify and one on Express, served over
 * real TLS (the Strongroom test server's development certificate) with their logs captured line by line. Both
 * expose the same routes: `GET /me` (authenticated), `GET /admin` (role `admin`), `POST /orders` (authenticated;
 * logs the body it received, as a careless application would), `GET /boom` (authenticated; the route throws, left
 * to the framework's default error handling) and `GET /public` (no authentication).
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import * as strongroomExpress from '@strongroom/express';
import * as strongroomFastify from '@strongroom/fastify';
import express from 'express';
import Fastify from 'fastify';
import { pino } from 'pino';

export type AuthOptions = Parameters<typeof strongroomFastify.strongroomAuth>[0];

export interface RunningApp {
  readonly name: 'fastify' | 'express';
  readonly port: number;
  readonly logs: string[];
  close(): Promise<void>;
}

export interface AppOptions {
  readonly auth: AuthOptions;
  readonly tls: { key: Buffer; cert: Buffer };
  readonly trustProxy?: boolean | string;
}

function captureLogs() {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logs, stream };
}

export async function startFastifyApp(options: AppOptions): Promise<RunningApp> {
  const { strongroomAuth, strongroomLogger, strongroomSafety } = strongroomFastify;
  const { logs, stream } = captureLogs();
  const app = Fastify({ https: options.tls, logger: { ...strongroomLogger(), stream } });
  await app.register(strongroomSafety({ trustProxy: options.trustProxy ?? false }));
  app.get('/public', async () => ({ public: true }));
  await app.register(async (scope) => {
    await scope.register(strongroomAuth(options.auth));
    scope.get('/me', async (request) => request.strongroom);
    scope.get('/boom', async () => {
      throw new Error('the route failed');
    });
    scope.post('/orders', async (request) => {
      request.log.info({ body: request.body }, 'order received');
      return { accepted: true, by: request.strongroom?.userId };
    });
  });
  await app.register(async (scope) => {
    await scope.register(strongroomAuth({ ...options.auth, roles: ['admin'] }));
    scope.get('/admin', async (request) => ({ admin: request.strongroom?.userId }));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    name: 'fastify',
    port: (app.server.address() as AddressInfo).port,
    logs,
    close: () => app.close(),
  };
}

export async function startExpressApp(options: AppOptions): Promise<RunningApp> {
  const { strongroomAuth, strongroomLogger, strongroomSafety } = strongroomExpress;
  const { logs, stream } = captureLogs();
  const logger = pino(strongroomLogger(), stream);
  const auth = strongroomAuth(options.auth);
  const adminAuth = strongroomAuth({ ...options.auth, roles: ['admin'] });
  const app = express();
  // The default error handler, without the development stack trace on stderr.
  app.set('env', 'test');
  app.use((req, _res, next) => {
    logger.info({ req }, 'incoming request');
    next();
  });
  app.use(strongroomSafety({ trustProxy: options.trustProxy ?? false }));
  app.use(express.json());
  app.get('/public', (_req, res) => {
    res.json({ public: true });
  });
  app.get('/me', auth, (req, res) => {
    res.json(req.strongroom);
  });
  app.get('/boom', auth, () => {
    throw new Error('the route failed');
  });
  app.get('/admin', adminAuth, (req, res) => {
    res.json({ admin: req.strongroom?.userId });
  });
  app.post('/orders', auth, (req, res) => {
    logger.info({ body: req.body as unknown }, 'order received');
    res.json({ accepted: true, by: req.strongroom?.userId });
  });
  const server = https.createServer(options.tls, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name: 'express',
    port: (server.address() as AddressInfo).port,
    logs,
    async close() {
      auth.close();
      adminAuth.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/** One HTTPS request to `port` on 127.0.0.1, trusting only `ca`. */
export function call(
  port: number,
  ca: Buffer,
  request: { method?: string; path: string; headers?: Record<string, string>; body?: unknown },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const outgoing = https.request(
      {
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca,
        agent: false,
        method: request.method ?? 'GET',
        path: request.path,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
