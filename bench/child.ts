/**
 * Entry point of a benchmark child process (forked by child-handle.ts with UV_THREADPOOL_SIZE set): runs the
 * argon2 baseline, the in-process field crypto comparison or a server, and samples its own event-loop delay on request.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { measureArgon2Rate } from './argon2-rate.js';
import { startBareServer } from './bare-server.js';
import { measureFieldCrypto } from './field-crypto-rate.js';
import type { ChildMessage, ChildReply, ChildRequest, ChildResults, EventLoopDelay } from './ipc.js';
import { startMiddlewareApp } from './middleware-apps.js';
import { type BenchServer, startStrongroom } from './strongroom-server.js';

const servers: BenchServer[] = [];
let monitor: IntervalHistogram | null = null;
const MONITOR_RESOLUTION_MS = 10;

// Read back rather than assumed: libuv's default is 4 when the variable is missing or invalid.
function threadpoolSize(): number {
  const size = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4;
}

function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function stopMonitor(): EventLoopDelay {
  if (monitor === null) throw new Error('event-loop monitor was not started');
  monitor.disable();
  // The histogram records whole timer intervals; what exceeds the interval is the delay.
  const toMs = (ns: number) => Math.max(0, ns / 1e6 - MONITOR_RESOLUTION_MS);
  const delay = {
    p50Ms: toMs(monitor.percentile(50)),
    p99Ms: toMs(monitor.percentile(99)),
    maxMs: toMs(monitor.max),
  };
  monitor = null;
  return delay;
}

async function handle(request: ChildRequest): Promise<ChildResults[ChildRequest['kind']]> {
  switch (request.kind) {
    case 'measure-argon2': {
      const rate = await measureArgon2Rate({
        params: loadConfig({}, {}).argon2,
        ...request,
        readCpuMs: processCpuMs,
      });
      return { ...rate, threadpoolSize: threadpoolSize() };
    }
    case 'measure-field-crypto':
      return measureFieldCrypto(request);
    case 'start-strongroom': {
      const server = await startStrongroom({
        dataDir: request.dataDir,
        tls: request.tls,
        userCount: request.users,
        baseline: request.baseline === true,
      });
      servers.push(server);
      return {
        port: server.port,
        users: server.users,
        accessToken: server.accessToken,
        adminAccessToken: server.adminAccessToken,
        threadpoolSize: threadpoolSize(),
      };
    }
    case 'start-bare': {
      const server = await startBareServer(request.tls);
      servers.push(server);
      return { port: server.port };
    }
    case 'start-middleware-app': {
      const { kind: _kind, ...options } = request;
      const server = await startMiddlewareApp(options);
      servers.push(server);
      return { port: server.port };
    }
    case 'cpu-usage':
      return { cpuMs: processCpuMs() };
    case 'event-loop-start':
      monitor = monitorEventLoopDelay({ resolution: MONITOR_RESOLUTION_MS });
      monitor.enable();
      return null;
    case 'event-loop-stop':
      return stopMonitor();
    case 'stop':
      await Promise.all(servers.splice(0).map((server) => server.close()));
      return null;
  }
}

process.on('message', (message: ChildMessage) => {
  const reply = (body: ChildReply) =>
    process.send?.(body, undefined, undefined, () => {
      if (message.request.kind === 'stop') process.exit(0);
    });
  handle(message.request).then(
    (result) => reply({ id: message.id, ok: true, result }),
    (error: unknown) =>
      reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The runner went away (crashed or was interrupted): do not linger as an orphan server.
process.on('disconnect', () => process.exit(0));
