import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createStrengthScorer } from './password-strength.js';
import { createStrengthWorker, type StrengthWorker } from './strength-worker.js';

const inThread = createStrengthScorer();

/** A worker script that answers like the real one but never finishes a check of `hang` (or throws for `crash`). */
const FAKE_WORKER = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads';
    parentPort.on('message', ({ password }) => {
      if (password === 'hang') for (;;) {}
      if (password === 'crash') throw new Error('boom');
      parentPort.postMessage({ score: 4 });
    });
    parentPort.postMessage('ready');
  `)}`,
);

const opened: StrengthWorker[] = [];
function open(options: Parameters<typeof createStrengthWorker>[0] = {}): StrengthWorker {
  const worker = createStrengthWorker(options);
  opened.push(worker);
  return worker;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((w) => w.close()));
});

/** Counts the turns of the event loop (setImmediate heartbeats) until `work` settles. */
async function heartbeatsDuring(work: () => Promise<unknown>): Promise<number> {
  let beats = 0;
  let running = true;
  const beat = () => {
    beats++;
    if (running) setImmediate(beat);
  };
  setImmediate(beat);
  try {
    await work();
  } finally {
    running = false;
  }
  return beats;
}

// Slow for zxcvbn (tens of ms each): long, l33t-able, with repeats; every one fails the policy (score < 3).
const SLOW_FAILING = Array.from({ length: 12 }, (_, i) => `p4$$w0rd${i}`.repeat(6).slice(0, 64));

describe('the password strength worker', () => {
  it('scores exactly as zxcvbn does in the calling thread', async () => {
    const worker = open();
    const fixed = [
      ['password1234', []],
      ['correct horse battery staple', []],
      ['alice-secret-2024', ['alice']],
      ['qwertyuiopasdf', []],
      ['Tr0ub4dor&3 zebra', ['bob']],
      ['ceci n’est pas un mot de passe', []],
      [SLOW_FAILING[0] ?? '', []],
    ] as const;
    for (const [password, inputs] of fixed) {
      expect(await worker.score(password, inputs), password).toBe(inThread(password, inputs));
    }
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'aeios0134@$!|_- qwertyPASSWORD2024é😀'), maxLength: 70 }),
        fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 2 }),
        async (password, inputs) => {
          expect(await worker.score(password, inputs)).toBe(inThread(password, inputs));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps the event loop turning while failing checks run, where in-thread scoring blocks it', async () => {
    const worker = open();
    await worker.score('warm up the worker', []);
    const all = () => Promise.all(SLOW_FAILING.map((password) => worker.score(password, [])));
    for (const score of await all()) expect(score).toBeLessThan(3);
    const inWorker = await heartbeatsDuring(all);
    // The same checks on the event loop, one per turn (as a request handler would run them).
    const onLoop = await heartbeatsDuring(async () => {
      for (const password of SLOW_FAILING) {
        inThread(password, []);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    // On the loop, each check takes a whole turn: about one heartbeat per check. In the worker, the loop turns
    // freely while the checks run (thousands of heartbeats on any machine).
    expect(onLoop).toBeLessThanOrEqual(2 * SLOW_FAILING.length + 2);
    expect(inWorker).toBeGreaterThan(20 * SLOW_FAILING.length);
  });

  it('refuses a check that overruns its budget, and starts a fresh worker for the next', async () => {
    const worker = open({ workerUrl: FAKE_WORKER, budgetMs: 100 });
    await expect(worker.score('hang', [])).rejects.toMatchObject({ code: 'PASSWORD_CHECK_TIMEOUT' });
    await expect(worker.score('fine', [])).resolves.toBe(4);
  });

  it('replaces a worker that crashed', async () => {
    const worker = open({ workerUrl: FAKE_WORKER });
    await expect(worker.score('crash', [])).rejects.toThrow('boom');
    await expect(worker.score('fine', [])).resolves.toBe(4);
  });

  it('refuses at once, as busy, beyond the queue bound', async () => {
    const worker = open({ workerUrl: FAKE_WORKER, budgetMs: 500, maxQueued: 1 });
    const running = worker.score('hang', []);
    const queued = worker.score('fine', []);
    await expect(worker.score('fine', [])).rejects.toMatchObject({ code: 'SERVICE_BUSY', retryAfter: 1 });
    await expect(running).rejects.toMatchObject({ code: 'PASSWORD_CHECK_TIMEOUT' });
    await expect(queued).resolves.toBe(4);
  });

  it.each([
    [{ budgetMs: 0 }, 'budgetMs'],
    [{ budgetMs: 1.5 }, 'budgetMs'],
    [{ maxQueued: -1 }, 'maxQueued'],
  ])('refuses options %o, naming %s', (options, field) => {
    expect(() => createStrengthWorker(options)).toThrow(
      expect.objectContaining({ code: 'CONFIG_OUT_OF_RANGE', field }),
    );
  });

  it('refuses checks once closed', async () => {
    const worker = open();
    expect(await worker.score('password1234', [])).toBe(inThread('password1234', []));
    await worker.close();
    await expect(worker.score('password1234', [])).rejects.toMatchObject({ code: 'SERVICE_BUSY' });
  });
});
