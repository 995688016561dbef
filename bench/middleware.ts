/**
 * Benchmark: what `strongroomAuth` + `strongroomSafety` cost an application's route, on Fastify and on Express
 * (servers in middleware-apps.ts). Per framework, three variants of one `GET /me` in the same child, measured in
 * alternating rounds with the same token: no middleware (target: Strongroom's keeps ≥ 0.8 of its requests per
 * second) and the usual JWT check with the same Ed25519 key (`@fastify/jwt`, or jose's `jwtVerify` on Express;
 * target ≥ 1.0). The middleware verifies a token once and asks Strongroom about a session at most every
 * `revocationCheckSeconds` (5), so after the first request it does no signature check and no network call.
 */
import https from 'node:https';
import type { JSONWebKeySet } from 'jose';
import type { BenchChild } from './child-handle.js';
import { type CpuWindow, cpuPerCompletion, cpuWindowOf, sampleCpu } from './cpu-sampler.js';
import type { TlsPaths } from './ipc.js';
import { checkServer } from './latency-probe.js';
import { runLoad } from './load.js';
import type { MiddlewareFramework, MiddlewareVariant } from './middleware-apps.js';
import type { BenchResult } from './report.js';

export const MIDDLEWARE_VS_NONE_TARGET = 0.8;
export const MIDDLEWARE_VS_JWT_TARGET = 1.0;
const CONNECTIONS = 50;
const VARIANTS: readonly MiddlewareVariant[] = ['none', 'strongroom', 'jwt'];
const JWT_BASELINE: Record<MiddlewareFramework, string> = {
  fastify: '@fastify/jwt',
  express: 'jose jwtVerify (express-jwt has no EdDSA)',
};

/** One JSON request to Strongroom, verified against its CA. */
function requestJson(
  url: string,
  ca: Buffer,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    const outgoing = https.request(
      url,
      {
        method: init.method ?? 'GET',
        ca,
        agent: false,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 300) reject(new Error(`${init.method ?? 'GET'} ${url} answered ${status}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString()));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** A service account with the `introspector` role and its API key, created as the benchmark's admin. */
async function createIntrospectionKey(baseUrl: string, ca: Buffer, adminToken: string): Promise<string> {
  const account = { username: 'benchintrospector', password: `Bench-${crypto.randomUUID()}` };
  await requestJson(`${baseUrl}/v1/users`, ca, {
    method: 'POST',
    token: adminToken,
    body: { ...account, roles: ['introspector'] },
  });
  const login = (await requestJson(`${baseUrl}/v1/auth/login`, ca, { method: 'POST', body: account })) as {
    access_token: string;
  };
  const created = (await requestJson(`${baseUrl}/v1/api-keys`, ca, {
    method: 'POST',
    token: login.access_token,
    body: { name: 'bench-middleware' },
  })) as { key: string };
  return created.key;
}

interface Totals {
  ok: number;
  seconds: number;
  failures: number;
  cpu: CpuWindow[];
}

async function measureFramework(options: {
  framework: MiddlewareFramework;
  child: BenchChild;
  tls: TlsPaths;
  ca: Buffer;
  strongroomUrl: string;
  introspectionKey: string;
  jwks: JSONWebKeySet;
  accessToken: string;
  rounds: number;
  secondsPerRound: number;
}): Promise<BenchResult[]> {
  const urls = {} as Record<MiddlewareVariant, string>;
  for (const variant of VARIANTS) {
    const { port } = await options.child.call({
      kind: 'start-middleware-app',
      framework: options.framework,
      variant,
      tls: options.tls,
      strongroomUrl: options.strongroomUrl,
      ca: options.ca.toString(),
      introspectionKey: options.introspectionKey,
      jwks: options.jwks,
    });
    urls[variant] = `https://127.0.0.1:${port}/me`;
  }
  const headers = { authorization: `Bearer ${options.accessToken}` };
  const totals = Object.fromEntries(
    VARIANTS.map((variant) => [variant, { ok: 0, seconds: 0, failures: 0, cpu: [] } as Totals]),
  ) as Record<MiddlewareVariant, Totals>;
  for (const variant of VARIANTS) await checkServer(urls[variant], options.ca, headers);
  for (let round = 0; round < options.rounds; round++) {
    for (const variant of VARIANTS) {
      const stopSampling = new AbortController();
      const readCpuMs = () => options.child.call({ kind: 'cpu-usage' }).then((usage) => usage.cpuMs);
      const samples = sampleCpu(readCpuMs, 250, stopSampling.signal);
      const load = await runLoad({
        url: urls[variant],
        ca: options.ca,
        headers,
        connections: CONNECTIONS,
        seconds: options.secondsPerRound,
        warmupSeconds: round === 0 ? 2 : 0,
      }).finally(() => stopSampling.abort());
      const total = totals[variant];
      total.cpu.push(cpuWindowOf(await samples, load.okTimes));
      total.ok += load.ok;
      total.seconds += load.seconds;
      total.failures += load.non2xx + load.errors;
    }
  }

  const perSecond = (variant: MiddlewareVariant) => totals[variant].ok / totals[variant].seconds;
  const cpu = (variant: MiddlewareVariant) => cpuPerCompletion(totals[variant].cpu);
  const compare = (baseline: 'none' | 'jwt', target: number, label: string): BenchResult => {
    const ratio = perSecond('strongroom') / perSecond(baseline);
    return {
      name: `${options.framework} route: strongroomAuth + strongroomSafety vs ${label}`,
      measured: { value: perSecond('strongroom'), unit: 'req/s' },
      baseline: { value: perSecond(baseline), unit: 'req/s' },
      ratio,
      cpuRatio: cpu(baseline) / cpu('strongroom'),
      target: `ratio >= ${target}`,
      pass: ratio >= target && totals.strongroom.failures === 0 && totals[baseline].failures === 0,
      details: {
        rounds: options.rounds,
        connections: CONNECTIONS,
        strongroomFailures: totals.strongroom.failures,
        baselineFailures: totals[baseline].failures,
        strongroomCpuMsPerRequest: cpu('strongroom'),
        baselineCpuMsPerRequest: cpu(baseline),
      },
    };
  };
  return [
    compare('none', MIDDLEWARE_VS_NONE_TARGET, 'no middleware'),
    compare('jwt', MIDDLEWARE_VS_JWT_TARGET, JWT_BASELINE[options.framework]),
  ];
}

/** Runs the comparison on Fastify, then Express, each in a child of its own from `spawn`. */
export async function benchMiddleware(options: {
  spawn: () => BenchChild;
  tls: TlsPaths;
  ca: Buffer;
  strongroomUrl: string;
  accessToken: string;
  adminAccessToken: string;
  rounds: number;
  secondsPerRound: number;
}): Promise<BenchResult[]> {
  const introspectionKey = await createIntrospectionKey(
    options.strongroomUrl,
    options.ca,
    options.adminAccessToken,
  );
  const jwks = (await requestJson(
    `${options.strongroomUrl}/.well-known/jwks.json`,
    options.ca,
  )) as JSONWebKeySet;
  const results: BenchResult[] = [];
  for (const framework of ['fastify', 'express'] as const) {
    const child = options.spawn();
    results.push(...(await measureFramework({ ...options, framework, child, introspectionKey, jwks })));
    await child.close();
  }
  return results;
}
