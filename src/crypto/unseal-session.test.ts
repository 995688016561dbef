import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootKeyHolder, type RootKeyHolder } from './root-key.js';
import { initSealedKeyring, parseSealedKeyring, type SealedKeyring } from './sealed-keyring.js';
import { formatShare, parseShare } from './shamir-share.js';
import { createUnsealSession } from './unseal-session.js';

const code = (c: string) => expect.objectContaining({ code: c });

let dir: string;
let keyring: SealedKeyring;
let shares: string[];
let other: string[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-unseal-'));
  ({ keyring, shares } = await initSealedKeyring(path.join(dir, 'keyring.json'), {
    shares: 5,
    threshold: 3,
  }));
  ({ shares: other } = await initSealedKeyring(path.join(dir, 'other.json'), { shares: 5, threshold: 3 }));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function setup(options: { keyring?: SealedKeyring; clock?: () => number } = {}) {
  const holder = createRootKeyHolder('sealed-keyring');
  const session = createUnsealSession({
    keyring: options.keyring ?? keyring,
    holder,
    clock: options.clock ?? Date.now,
  });
  return { holder, session };
}

const share = (i: number) => shares[i] as string;

/** Unseals with the given share positions and returns the key (so tests can compare the results of combinations). */
async function unsealWith(indexes: number[]): Promise<{ holder: RootKeyHolder; key: Buffer }> {
  const { holder, session } = setup();
  for (const [n, i] of indexes.entries()) {
    const status = await session.submit(share(i));
    expect(status.progress).toBe(n + 1 < 3 ? n + 1 : 0);
    expect(status.sealed).toBe(n + 1 < 3);
  }
  return { holder, key: Buffer.from(holder.get()) };
}

describe('unseal session', () => {
  it('answers a share given twice as a duplicate, not counted again', async () => {
    const { session } = setup();
    const first = await session.submit(share(0));
    expect(first).toEqual({ sealed: true, threshold: 3, progress: 1 });
    expect(await session.submit(` ${share(0)}\n`)).toEqual({
      sealed: true,
      threshold: 3,
      progress: 1,
      duplicate: true,
    });
    expect(await session.submit(share(1))).toEqual({ sealed: true, threshold: 3, progress: 2 });
  });

  it('unseals with any 3 of 5 shares, all to the same root key', async () => {
    const combos = [
      [0, 1, 2],
      [0, 2, 4],
      [4, 3, 1],
      [1, 3, 4],
      [2, 0, 3],
    ];
    const keys = await Promise.all(combos.map(async (c) => (await unsealWith(c)).key));
    for (const key of keys) expect(key.equals(keys[0] as Buffer)).toBe(true);
  });

  it('stays sealed with fewer than the threshold', async () => {
    const { holder, session } = setup();
    expect(session.status()).toEqual({ sealed: true, threshold: 3, progress: 0 });
    await session.submit(share(0));
    expect(await session.submit(share(1))).toEqual({ sealed: true, threshold: 3, progress: 2 });
    expect(holder.isSealed()).toBe(true);
    expect(() => holder.get()).toThrow(code('SEALED'));
  });

  it('counts a repeated share once', async () => {
    const { session } = setup();
    await session.submit(share(0));
    expect((await session.submit(` ${share(0)}\n`)).progress).toBe(1);
    await session.submit(share(1));
    expect((await session.submit(share(2))).sealed).toBe(false);
  });

  it('refuses a share of another keyring on arrival and keeps progress', async () => {
    const { session } = setup();
    await session.submit(share(0));
    await expect(session.submit(other[1] as string)).rejects.toThrow(code('UNSEAL_FAILED'));
    expect(session.status().progress).toBe(1);
  });

  it('refuses a mistyped share and keeps progress', async () => {
    const { session } = setup();
    await session.submit(share(0));
    const typo = `${share(1).slice(0, 20)}${share(1)[20] === 'A' ? 'B' : 'A'}${share(1).slice(21)}`;
    for (const bad of [typo, '', 'srs1-1-3', share(1).slice(0, -1)]) {
      await expect(session.submit(bad)).rejects.toThrow(code('UNSEAL_FAILED'));
    }
    expect(session.status().progress).toBe(1);
  });

  it('resets progress when the shares do not combine to the root key, without naming the share', async () => {
    const { holder, session } = setup();
    // A forged share: right index, threshold and key check value (copied from a real share), wrong y bytes.
    const real = parseShare(share(2));
    const y = new Uint8Array(real.share);
    y[0] = (y[0] ?? 0) ^ 1;
    const forged = formatShare({ ...real, share: y });
    await session.submit(share(0));
    await session.submit(share(1));
    const error = await session.submit(forged).catch((e: unknown) => e);
    expect(error).toEqual(code('UNSEAL_FAILED'));
    expect(String((error as Error).message)).not.toMatch(/\d/);
    expect(session.status()).toEqual({ sealed: true, threshold: 3, progress: 0 });
    expect(holder.isSealed()).toBe(true);
    // Starting over with good shares works.
    for (const i of [0, 1, 2]) await session.submit(share(i));
    expect(holder.isSealed()).toBe(false);
  });

  it('resets progress on two different shares with one index', async () => {
    const { session } = setup();
    const real = parseShare(share(1));
    const y = new Uint8Array(real.share);
    y[5] = (y[5] ?? 0) ^ 0x80;
    await session.submit(share(0));
    await session.submit(share(1));
    await expect(session.submit(formatShare({ ...real, share: y }))).rejects.toThrow(code('UNSEAL_FAILED'));
    expect(session.status().progress).toBe(0);
  });

  it('refuses the right shares against a tampered keyring file', async () => {
    const text = fs.readFileSync(keyring.file, 'utf8');
    const data = JSON.parse(text) as Record<string, unknown>;
    const tampered = parseSealedKeyring(
      keyring.file,
      JSON.stringify({ ...data, created_at: '2001-01-01T00:00:00.000Z' }),
    );
    const { holder, session } = setup({ keyring: tampered });
    await session.submit(share(0));
    await session.submit(share(1));
    await expect(session.submit(share(2))).rejects.toThrow(code('UNSEAL_FAILED'));
    expect(holder.isSealed()).toBe(true);
    expect(session.status().progress).toBe(0);
  });

  it('answers ALREADY_UNSEALED once unsealed', async () => {
    const { session } = setup();
    for (const i of [0, 1, 2]) await session.submit(share(i));
    await expect(session.submit(share(3))).rejects.toThrow(code('ALREADY_UNSEALED'));
  });

  it('completes exactly one combination when shares arrive together', async () => {
    const { holder, session } = setup();
    await session.submit(share(0));
    const results = await Promise.allSettled([
      session.submit(share(1)),
      session.submit(share(2)),
      session.submit(share(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toEqual(code('ALREADY_UNSEALED'));
    expect(holder.isSealed()).toBe(false);
  });

  it('forgets pending shares after a quiet period', async () => {
    let now = 0;
    const { session } = setup({ clock: () => now });
    await session.submit(share(0));
    now += 15 * 60_000;
    expect(session.status().progress).toBe(0);
  });

  it('stays sealed when work registered for unseal fails', async () => {
    const { holder, session } = setup();
    holder.onUnseal(async () => {
      throw new Error('database down');
    });
    await session.submit(share(0));
    await session.submit(share(1));
    await expect(session.submit(share(2))).rejects.toThrow('database down');
    expect(holder.isSealed()).toBe(true);
    expect(session.status().progress).toBe(0);
  });
});
