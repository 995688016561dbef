/**
 * Messages between the benchmark runner and its child processes (servers and the argon2 baseline).
 * Every request carries an id; the child answers it exactly once, with a result or an error message.
 */
import type { Argon2Window } from './argon2-rate.js';
import type { FieldCryptoOp, FieldCryptoSide, FieldCryptoWindow } from './field-crypto-rate.js';
import type { MiddlewareAppOptions } from './middleware-apps.js';

export interface TlsPaths {
  certPath: string;
  keyPath: string;
}

export interface BenchUser {
  username: string;
  password: string;
}

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export type ChildRequest =
  | { kind: 'measure-argon2'; seconds: number; warmupSeconds: number; concurrency: number }
  | {
      kind: 'measure-field-crypto';
      side: FieldCryptoSide;
      op: FieldCryptoOp;
      seconds: number;
      warmupSeconds: number;
    }
  | {
      kind: 'start-strongroom';
      dataDir: string;
      tls: TlsPaths;
      users: number;
      /** Build with the core dependency of bench/baseline-records.ts (records without policy and audit): policy-audit.ts only. */
      baseline?: boolean;
    }
  | { kind: 'start-bare'; tls: TlsPaths }
  | ({ kind: 'start-middleware-app' } & MiddlewareAppOptions)
  | { kind: 'cpu-usage' }
  | { kind: 'event-loop-start' }
  | { kind: 'event-loop-stop' }
  | { kind: 'stop' };

export interface ChildResults {
  'measure-argon2': Argon2Window & { threadpoolSize: number };
  'measure-field-crypto': FieldCryptoWindow;
  'start-strongroom': {
    port: number;
    users: BenchUser[];
    accessToken: string;
    /** An admin's access token (the admin is not among `users`). */
    adminAccessToken: string;
    threadpoolSize: number;
  };
  'start-bare': { port: number };
  'start-middleware-app': { port: number };
  /** CPU time used so far by the child process, all threads. */
  'cpu-usage': { cpuMs: number };
  'event-loop-start': null;
  'event-loop-stop': EventLoopDelay;
  stop: null;
}

export type ChildKind = ChildRequest['kind'];

export type ChildMessage = { id: number; request: ChildRequest };

export type ChildReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
