import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initSealedKeyring, parseSealedKeyring, readSealedKeyring } from './sealed-keyring.js';

/** The coded error a keyring refusal carries; `keyringFile` is the setting the operator fixes. */
const refusal = (code: string) => expect.objectContaining({ code, field: 'keyringFile' });

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-keyring-'));
  file = path.join(dir, 'nested', 'keyring.json');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('initSealedKeyring', () => {
  it('writes an owner-only file holding metadata and check values, never a share', async () => {
    const clock = () => Date.parse('2030-01-02T03:04:05.000Z');
    const { keyring, shares } = await initSealedKeyring(file, { shares: 5, threshold: 3, clock });
    expect(shares).toHaveLength(5);
    expect(new Set(shares).size).toBe(5);
    expect(keyring).toMatchObject({ file, shares: 5, threshold: 3, createdAt: '2030-01-02T03:04:05.000Z' });
    if (process.getuid !== undefined) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(Object.keys(JSON.parse(text)).sort()).toEqual(
      ['check', 'created_at', 'format', 'share_check', 'shares', 'threshold', 'version'].sort(),
    );
    for (const share of shares) {
      expect(text).not.toContain(share);
      // Not even the share payload (y bytes and x) appears.
      expect(text).not.toContain(share.slice('srs1-1-3-'.length, -9));
    }
    expect(fs.readdirSync(path.dirname(file))).toEqual(['keyring.json']);
    expect(await readSealedKeyring(file)).toEqual(keyring);
  });

  it('never overwrites an existing keyring', async () => {
    await initSealedKeyring(file, { shares: 3, threshold: 2 });
    const before = fs.readFileSync(file, 'utf8');
    await expect(initSealedKeyring(file, { shares: 3, threshold: 2 })).rejects.toThrow(
      refusal('KEYRING_EXISTS'),
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['keyring.json']);
  });

  it.each([
    [1, 1],
    [3, 4],
    [256, 2],
    [5, 1],
  ])('refuses %i shares with threshold %i', async (shares, threshold) => {
    await expect(initSealedKeyring(file, { shares, threshold })).rejects.toThrow();
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('readSealedKeyring', () => {
  it('refuses a missing file', async () => {
    await expect(readSealedKeyring(file)).rejects.toThrow(refusal('CONFIG_FILE_MISSING'));
  });

  it.skipIf(process.getuid === undefined)('refuses a file other users can access', async () => {
    await initSealedKeyring(file, { shares: 3, threshold: 2 });
    fs.chmodSync(file, 0o644);
    await expect(readSealedKeyring(file)).rejects.toThrow(refusal('CONFIG_FILE_INSECURE'));
  });

  it('parses strictly', async () => {
    await initSealedKeyring(file, { shares: 3, threshold: 2 });
    const good = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const variants: Array<Record<string, unknown>> = [
      { ...good, extra: 1 },
      { ...good, format: 'other' },
      { ...good, threshold: 4 },
      { ...good, threshold: 1 },
      { ...good, shares: 2.5 },
      { ...good, created_at: 'yesterday' },
      { ...good, share_check: `${good.share_check as string}A` },
      { ...good, check: 'AAAA' },
    ];
    for (const variant of variants) {
      expect(() => parseSealedKeyring(file, JSON.stringify(variant))).toThrow(
        refusal('CONFIG_KEYRING_INVALID'),
      );
    }
    expect(() => parseSealedKeyring(file, JSON.stringify({ ...good, version: 2 }))).toThrow(
      refusal('CONFIG_KEYRING_INVALID'),
    );
    expect(() => parseSealedKeyring(file, 'not json')).toThrow(refusal('CONFIG_KEYRING_INVALID'));
    expect(parseSealedKeyring(file, JSON.stringify(good)).threshold).toBe(2);
  });
});
