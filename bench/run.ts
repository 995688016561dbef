/**
 * `npm run bench`: Strongroom's five performance checks, each reported as a ratio to a baseline measured in the
 * same run on the same machine. Results are informational: the exit code is 0 unless a benchmark crashes.
 * `npm run bench -- field-crypto` (or any of login, me, middleware, records, policy-audit, flood, field-crypto,
 * audit-verify, rotation, log-scan, multinode) runs only the named ones; multinode needs PostgreSQL and Redis.
 *
 * Process layout (2-core machines included): every server runs in a child process and the load generators run
 * here. In one process, autocannon's own TLS and HTTP work would sit on the server's event loop and be counted
 * against the server; split, the server's loop competes only for CPU, as it would with remote clients. The
 * argon2 baseline runs in a child of its own with the same libuv threadpool size as the server child (cores + 3,
 * as `strongroom` sets it), so both sides of the login ratio can use every core. The size is set in each
 * child's environment at fork time because libuv reads UV_THREADPOOL_SIZE once, when the pool first starts.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureDevCertificates } from '../src/tls/index.js';
import { benchAuditVerify } from './audit-verify.js';
import { type BenchChild, startChild } from './child-handle.js';
import { benchFieldCrypto } from './field-crypto.js';
import { benchKeyRotation } from './key-rotation.js';
import { benchLogScan } from './log-scan.js';
import { benchLoginFlood } from './login-flood.js';
import { benchLoginThroughput } from './login-throughput.js';
import { benchMeVsBare } from './me-vs-bare.js';
import { benchMiddleware } from './middleware.js';
import { benchMultinode } from './multinode.js';
import { benchPolicyAudit } from './policy-audit.js';
import { benchRecords } from './records.js';
import { type BenchResult, formatTable, writeResults } from './report.js';

const RESULTS_FILE = path.resolve('.bench', 'results.json');
// Each side of a comparison gets ROUNDS × SECONDS_PER_ROUND measured seconds (10 s), in alternating rounds.
const ROUNDS = 4;
const SECONDS_PER_ROUND = 2.5;
const FLOOD_SECONDS = 10;
const LOGIN_USERS = 16;
// In-process field crypto: 5 alternating rounds of 1 s writes and 0.5 s reads per side, ~18 s with warm-up.
const FIELD_CRYPTO_ROUNDS = 5;
const BENCHMARKS = [
  'login',
  'me',
  'middleware',
  'records',
  'policy-audit',
  'flood',
  'field-crypto',
  'audit-verify',
  'rotation',
  'log-scan',
  'multinode',
] as const;
/** Benchmarks that run their own children rather than the shared Strongroom server child. */
const OWN_CHILDREN: ReadonlySet<BenchmarkName> = new Set([
  'policy-audit',
  'field-crypto',
  'audit-verify',
  'rotation',
  'log-scan',
  'multinode',
]);
type BenchmarkName = (typeof BENCHMARKS)[number];

/** The benchmarks named on the command line, or all of them; throws on an unknown name. */
function selectedBenchmarks(args: readonly string[]): BenchmarkName[] {
  if (args.length === 0) return [...BENCHMARKS];
  for (const arg of args) {
    if (!(BENCHMARKS as readonly string[]).includes(arg)) {
      throw new Error(`unknown benchmark "${arg}" (choose from ${BENCHMARKS.join(', ')})`);
    }
  }
  return BENCHMARKS.filter((name) => args.includes(name));
}

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const selected = selectedBenchmarks(process.argv.slice(2));
  const cores = os.availableParallelism();
  const loadBefore = os.loadavg();
  // As `strongroom` sets it (src/cli/threadpool.ts): hashing uses one thread per core, the rest stay free.
  const threadpoolSize = Math.max(4, cores + 3);
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-bench-'));
  const children: BenchChild[] = [];
  const spawn = () => {
    const child = startChild(threadpoolSize);
    children.push(child);
    return child;
  };
  const results: BenchResult[] = [];
  try {
    const certs = await ensureDevCertificates(path.join(workDir, 'tls'));
    const tls = { certPath: certs.certPath, keyPath: certs.keyPath };
    const ca = await fs.readFile(certs.caCertPath);
    log(
      `Strongroom benchmarks: ${cores} cores, UV_THREADPOOL_SIZE=${threadpoolSize} in server and baseline children`,
    );

    const step = (name: BenchmarkName, title: string) =>
      log(`${selected.indexOf(name) + 1}/${selected.length} ${title} …`);

    if (selected.some((name) => !OWN_CHILDREN.has(name))) {
      const strongroomChild = spawn();
      const strongroom = await strongroomChild.call({
        kind: 'start-strongroom',
        dataDir: path.join(workDir, 'data'),
        tls,
        users: LOGIN_USERS,
      });
      const strongroomUrl = `https://127.0.0.1:${strongroom.port}`;

      if (selected.includes('login')) {
        step('login', 'login throughput vs raw argon2id');
        const baselineChild = spawn();
        results.push(
          await benchLoginThroughput({
            baselineChild,
            serverChild: strongroomChild,
            baseUrl: strongroomUrl,
            ca,
            users: strongroom.users,
            threadpoolSize: strongroom.threadpoolSize,
            rounds: ROUNDS,
            secondsPerRound: SECONDS_PER_ROUND,
          }),
        );
        await baselineChild.close();
      }

      if (selected.includes('me')) {
        step('me', 'GET /v1/me vs bare Fastify');
        const bareChild = spawn();
        const bare = await bareChild.call({ kind: 'start-bare', tls });
        results.push(
          await benchMeVsBare({
            strongroom: { child: strongroomChild, url: `${strongroomUrl}/v1/me` },
            bare: { child: bareChild, url: `https://127.0.0.1:${bare.port}/v1/me` },
            ca,
            accessToken: strongroom.accessToken,
            rounds: ROUNDS,
            secondsPerRound: SECONDS_PER_ROUND,
          }),
        );
        await bareChild.close();
      }

      if (selected.includes('middleware')) {
        step(
          'middleware',
          'Fastify and Express route behind strongroomAuth + strongroomSafety vs none and vs JWT',
        );
        results.push(
          ...(await benchMiddleware({
            spawn,
            tls,
            ca,
            strongroomUrl,
            accessToken: strongroom.accessToken,
            adminAccessToken: strongroom.adminAccessToken,
            rounds: ROUNDS,
            secondsPerRound: SECONDS_PER_ROUND,
          })),
        );
      }

      if (selected.includes('records')) {
        step('records', 'record write/read: 5 sensitive fields vs none, same API');
        results.push(
          ...(await benchRecords({
            child: strongroomChild,
            baseUrl: strongroomUrl,
            ca,
            adminAccessToken: strongroom.adminAccessToken,
            rounds: ROUNDS,
            secondsPerRound: SECONDS_PER_ROUND,
          })),
        );
      }

      if (selected.includes('flood')) {
        step('flood', '/healthz latency during a login flood');
        results.push(
          await benchLoginFlood({
            serverChild: strongroomChild,
            baseUrl: strongroomUrl,
            ca,
            users: strongroom.users,
            seconds: FLOOD_SECONDS,
          }),
        );
      }
      await strongroomChild.close();
    }

    if (selected.includes('policy-audit')) {
      step('policy-audit', 'record read with policy + durable audit vs both off (two servers, same data)');
      const start = async (side: 'normal' | 'baseline') => {
        const child = spawn();
        const server = await child.call({
          kind: 'start-strongroom',
          dataDir: path.join(workDir, `policy-audit-${side}`),
          tls,
          users: 1,
          baseline: side === 'baseline',
        });
        return {
          child,
          baseUrl: `https://127.0.0.1:${server.port}`,
          adminAccessToken: server.adminAccessToken,
        };
      };
      const normal = await start('normal');
      const baseline = await start('baseline');
      results.push(
        await benchPolicyAudit({ normal, baseline, ca, rounds: ROUNDS, secondsPerRound: SECONDS_PER_ROUND }),
      );
      await Promise.all([normal.child.close(), baseline.child.close()]);
    }

    if (selected.includes('field-crypto')) {
      step('field-crypto', 'field encryption + blind index per row vs ciphersweet-js (in-process)');
      // A fresh child, so neither side inherits a server's heap or JIT state.
      const cryptoChild = spawn();
      results.push(
        await benchFieldCrypto({
          child: cryptoChild,
          rounds: FIELD_CRYPTO_ROUNDS,
          writeSecondsPerRound: 1,
          readSecondsPerRound: 0.5,
          warmupSeconds: 1,
        }),
      );
      await cryptoChild.close();
    }

    if (selected.includes('audit-verify')) {
      step(
        'audit-verify',
        '`strongroom audit verify` over 1,000,000 events: events/s and peak RSS vs 100,000',
      );
      results.push(await benchAuditVerify({ workDir, smallEvents: 100_000, largeEvents: 1_000_000, log }));
    }

    if (selected.includes('rotation')) {
      step('rotation', 'collection key rotation with reads: records/s and peak RSS at 200k vs 20k records');
      results.push(await benchKeyRotation({ workDir, small: 20_000, large: 200_000, log }));
    }

    if (selected.includes('log-scan')) {
      step('log-scan', '`strongroom check logs` MB/s over a 64 MB log vs reading and splitting it');
      results.push(await benchLogScan({ workDir, megabytes: 64, rounds: 2, log }));
    }

    if (selected.includes('multinode')) {
      step('multinode', '3 nodes vs 1 on one PostgreSQL; logout on A → refused on B/C (30 samples)');
      results.push(...(await benchMultinode({ rounds: 3, secondsPerRound: 2, revocationSamples: 30, log })));
    }
  } finally {
    await Promise.all(children.map((child) => child.close()));
    await fs.rm(workDir, { recursive: true, force: true });
  }

  log('');
  log(formatTable(results));
  log(
    'cpu ratio: baseline CPU time per operation ÷ server CPU time per operation (all threads), measured beside the\n' +
      'rates; it predicts the rate ratio on an otherwise idle machine and holds when other processes take CPU.',
  );
  for (const result of results) {
    log(`\n${result.name}`);
    for (const [key, value] of Object.entries(result.details)) {
      log(`  ${key}: ${typeof value === 'number' ? Number(value.toFixed(2)) : value}`);
    }
  }
  const machine = {
    cores,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    threadpoolSize,
    loadAverageBefore: loadBefore,
    loadAverageAfter: os.loadavg(),
  };
  await writeResults(RESULTS_FILE, results, machine);
  log(
    `\nResults written to ${path.relative(process.cwd(), RESULTS_FILE)} (informational: no pass/fail exit code)`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `benchmark crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
