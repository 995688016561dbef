/**
 * Imported first by the CLI entry point, before anything can touch the libuv thread pool: libuv reads
 * UV_THREADPOOL_SIZE once, when the pool starts. Password hashing is kept to cores + 1 jobs (see
 * auth/hash-limiter.ts); the extra threads keep token signing (WebCrypto), file and DNS work from queueing behind
 * it. An operator's own setting wins. (This writes the environment for libuv; configuration is still read only in
 * config.ts.)
 */
import os from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism() + 3));
