import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { combine } from 'shamir-secret-sharing';
import { describe, expect, it } from 'vitest';
import { combineShares, splitSecret } from './shamir.js';
import { formatShare, parseShare } from './shamir-share.js';

// Every Shamir failure is an AppError (internal code, status 500) carrying the expected code.
const code = (c: string) => expect.objectContaining({ name: 'AppError', code: c, status: 500 });

describe('splitSecret / combineShares', () => {
  it('any k of n shares recover the secret; any k-1 are refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 8 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 2, max: n })))
          .chain(([n, k]) =>
            fc.tuple(
              fc.constant(n),
              fc.constant(k),
              fc.shuffledSubarray([...Array(n).keys()], { minLength: k, maxLength: n }),
            ),
          ),
        async ([n, k, picked]) => {
          const secret = randomBytes(32);
          const shares = await splitSecret(secret, n, k);
          expect(shares).toHaveLength(n);
          const chosen = picked.map((i) => shares[i] as string);
          expect((await combineShares(chosen)).equals(secret)).toBe(true);
          await expect(combineShares(chosen.slice(0, k - 1))).rejects.toThrow(code('SHAMIR_TOO_FEW_SHARES'));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('works at the limits: 255 shares, threshold 255', async () => {
    const secret = randomBytes(32);
    const shares = await splitSecret(secret, 255, 255);
    expect((await combineShares(shares)).equals(secret)).toBe(true);
  });

  it('produces shares the library itself can combine', async () => {
    const secret = randomBytes(32);
    const shares = await splitSecret(secret, 3, 2);
    const raw = shares.slice(1).map((s) => parseShare(s).share);
    expect(Buffer.from(await combine(raw)).equals(secret)).toBe(true);
  });

  it('validates arguments', async () => {
    const secret = randomBytes(32);
    for (const [s, n, k] of [
      [randomBytes(31), 3, 2],
      [randomBytes(33), 3, 2],
      [secret, 3, 1],
      [secret, 2, 3],
      [secret, 256, 2],
      [secret, 3.5, 2],
    ] as const) {
      await expect(splitSecret(s, n, k)).rejects.toThrow(code('SHAMIR_INVALID_ARGUMENT'));
    }
    await expect(combineShares([])).rejects.toThrow(code('SHAMIR_TOO_FEW_SHARES'));
  });

  it('catches a tampered share by its checksum', async () => {
    const [a = '', b = ''] = await splitSecret(randomBytes(32), 3, 2);
    const at = 20;
    const tampered = a.slice(0, at) + (a[at] === 'x' ? 'y' : 'x') + a.slice(at + 1);
    await expect(combineShares([tampered, b])).rejects.toThrow(code('SHAMIR_SHARE_CHECKSUM'));
  });

  it('detects shares of different secrets before combining', async () => {
    const [a = ''] = await splitSecret(randomBytes(32), 3, 2);
    const [, b = ''] = await splitSecret(randomBytes(32), 3, 2);
    await expect(combineShares([a, b])).rejects.toThrow(code('SHAMIR_SHARES_INCONSISTENT'));
  });

  it('detects mixed thresholds', async () => {
    const secret = randomBytes(32);
    const [a = ''] = await splitSecret(secret, 3, 2);
    const [, b = '', c = ''] = await splitSecret(secret, 3, 3);
    await expect(combineShares([a, b, c])).rejects.toThrow(code('SHAMIR_SHARES_INCONSISTENT'));
  });

  it('never returns a wrong key from two splits of the same secret', async () => {
    const secret = randomBytes(32);
    const first = await splitSecret(secret, 5, 2);
    const second = await splitSecret(secret, 5, 2);
    // Same KCV, different polynomials: the interpolated value is wrong (a 2^-256 fluke aside), or the library refuses
    // colliding x coordinates; either way the caller gets SHAMIR_COMBINE_FAILED, never a wrong key.
    await expect(combineShares([first[0] ?? '', second[1] ?? ''])).rejects.toThrow(
      code('SHAMIR_COMBINE_FAILED'),
    );
  });

  it('refuses a forged share with a recomputed checksum', async () => {
    const secret = randomBytes(32);
    const [a = '', b = ''] = await splitSecret(secret, 3, 2);
    const parsed = parseShare(b);
    const share = new Uint8Array(parsed.share);
    share[0] = (share[0] ?? 0) ^ 1;
    const forged = formatShare({ ...parsed, share });
    await expect(combineShares([a, forged])).rejects.toThrow(code('SHAMIR_COMBINE_FAILED'));
  });

  it('refuses the same share twice', async () => {
    const [a = ''] = await splitSecret(randomBytes(32), 3, 2);
    await expect(combineShares([a, a])).rejects.toThrow(code('SHAMIR_SHARE_DUPLICATE'));
  });

  it('never puts the secret in a share or an error', async () => {
    const secret = randomBytes(32);
    const shares = await splitSecret(secret, 3, 2);
    for (const s of shares) {
      expect(s).not.toContain(secret.toString('base64url').slice(0, 12));
      expect(s).not.toContain(secret.toString('hex').slice(0, 12));
    }
    const error = await combineShares([shares[0] ?? '']).catch((e: unknown) => e as Error);
    expect(String(error)).not.toContain(shares[0]?.slice(10, 40));
  });
});
