import { describe, expect, it } from 'vitest';
import { createReadiness } from './readiness.js';

describe('readiness', () => {
  it('names the checks that fail, throw or do not answer before the deadline, and only those', async () => {
    const failing = createReadiness(
      {
        database: () => new Promise<boolean>(() => {}), // stalled: never answers
        signing_key: () => {
          throw new Error('no key; secret-looking detail must not surface');
        },
        audit: () => false,
        redis: async () => true,
      },
      20,
    );
    expect(await failing()).toEqual(['database', 'signing_key', 'audit']);
  });

  it('is empty when everything answers', async () => {
    expect(await createReadiness({ a: () => true, b: async () => true })()).toEqual([]);
  });
});
