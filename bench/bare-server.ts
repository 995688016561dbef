/**
 * The baseline for request overhead: a bare Fastify 5 HTTPS server with Strongroom's TLS policy and certificate and
 * one route returning a JSON object shaped like GET /v1/me's answer. No logger, hooks, schema or database.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { createTlsServerOptions, loadTlsFiles } from '../src/tls/index.js';
import type { TlsPaths } from './ipc.js';
import type { BenchServer } from './strongroom-server.js';

/** Starts the bare server on an ephemeral loopback port; GET /v1/me answers a fixed user-shaped object. */
export async function startBareServer(tlsPaths: TlsPaths): Promise<BenchServer> {
  const tls = await loadTlsFiles(tlsPaths.certPath, tlsPaths.keyPath);
  const app = Fastify({ logger: false, https: createTlsServerOptions(tls) });
  const body = {
    id: randomUUID(),
    username: 'bench0000',
    roles: ['user'],
    authenticated_by: 'session',
    created_at: new Date().toISOString(),
  };
  app.get('/v1/me', async () => body);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
  return { port: address.port, close: () => app.close() };
}
