import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { backoffDelay, databaseTarget, waitForDatabase } from './wait-for-database.js';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('waitForDatabase', () => {
  it('names the target without user, password or query', () => {
    expect(databaseTarget('postgres://admin:hunter2@db.internal:6432/app?password=x&sslmode=require')).toBe(
      'db.internal:6432/app',
    );
    expect(databaseTarget('postgresql:///app?host=/run/postgresql')).toBe('/run/postgresql/app');
    expect(databaseTarget('not a url')).toBe('(unparsable URL)');
  });

  it('backs off exponentially, capped at 5 s, with half of each wait random', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 30].map((n) => backoffDelay(n, () => 0))).toEqual([
      125, 250, 500, 1000, 2000, 2500, 2500, 2500,
    ]);
    expect([1, 2, 6, 30].map((n) => backoffDelay(n, () => 1))).toEqual([250, 500, 5000, 5000]);
  });

  it('retries until the budget is spent, logging each attempt without the password, then fails', async () => {
    const port = await closedPort();
    let now = 0;
    const sleeps: number[] = [];
    const lines: string[] = [];
    const logger = {
      warn: (fields: object, message: string) => lines.push(JSON.stringify({ ...fields, message })),
      info: (fields: object, message: string) => lines.push(JSON.stringify({ ...fields, message })),
    };
    const error = await waitForDatabase({
      url: `postgres://postgres:s3cret-canary@127.0.0.1:${port}/test`,
      timeoutMs: 4000,
      connectTimeoutMs: 1000,
      logger,
      clock: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      random: () => 0.5,
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'DEPENDENCY_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('did not answer within 4000 ms');
    // 188 + 375 + 750 + 1500 = 2813 ms slept; the next wait (3000) would pass the budget: stop there.
    expect(sleeps).toEqual([188, 375, 750, 1500]);
    expect(lines).toHaveLength(4);
    expect(lines.join('\n')).not.toContain('s3cret-canary');
    expect(`${(error as Error).message}`).not.toContain('s3cret-canary');
  });

  it('makes exactly one attempt with a budget of 0', async () => {
    const port = await closedPort();
    let attempts = 0;
    const logger = { warn: () => attempts++, info: () => undefined };
    await expect(
      waitForDatabase({
        url: `postgres://postgres@127.0.0.1:${port}/test`,
        timeoutMs: 0,
        connectTimeoutMs: 500,
        logger,
      }),
    ).rejects.toThrow(/did not answer within 0 ms/);
    expect(attempts).toBe(0);
  });
});
