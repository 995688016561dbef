import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogCheckpointer } from './log-checkpointer.js';

const logger = pino({ level: 'silent' });

describe('log checkpointer', () => {
  afterEach(() => vi.useRealTimers());

  it('retries a checkpoint another connection kept from completing until it completes', async () => {
    vi.useFakeTimers();
    const results = [false, false, false, true];
    const checkpoint = vi.fn(async () => results.shift() ?? true);
    const checkpointLog = createLogCheckpointer({ checkpoint, logger });
    await checkpointLog();
    expect(checkpoint).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(checkpoint).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(checkpoint).toHaveBeenCalledTimes(4);
  });

  it('runs one retry chain at a time, bounded, and never throws into the erasure', async () => {
    vi.useFakeTimers();
    const checkpoint = vi.fn(async (): Promise<boolean> => {
      throw new Error('database closed');
    });
    const checkpointLog = createLogCheckpointer({ checkpoint, logger });
    await expect(checkpointLog()).resolves.toBeUndefined();
    await checkpointLog();
    await vi.advanceTimersByTimeAsync(3_600_000);
    // Two immediate attempts plus one bounded chain of retries (attempts 2..12).
    expect(checkpoint).toHaveBeenCalledTimes(2 + 11);
  });

  it('does not retry a checkpoint that completed', async () => {
    vi.useFakeTimers();
    const checkpoint = vi.fn(async () => true);
    await createLogCheckpointer({ checkpoint, logger })();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(checkpoint).toHaveBeenCalledTimes(1);
  });
});
