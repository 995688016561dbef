import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliError } from '../cli-error.js';
import { markEntryOf, readVerifiedMark, writeVerifiedMark } from './verified-marks.js';

const SERVER = 'https://strongroom.example:8443';
const MARK = { seq: 12, hash: 'ab'.repeat(32), key: { kid: 'k'.repeat(43), x: 'x'.repeat(43) } };
const dirs: string[] = [];

function configDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-marks-'));
  dirs.push(dir);
  return path.join(dir, 'config');
}

const fileIn = (dir: string) => path.join(dir, 'audit-verified.json');
const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as CliError).code;
  }
  return 'no error';
};

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('verified marks', () => {
  it('keeps the mark with its pinned key, 0600 in a 0700 directory', async () => {
    const dir = configDir();
    await writeVerifiedMark(dir, SERVER, MARK);
    expect(readVerifiedMark(dir, SERVER)).toEqual(MARK);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(fileIn(dir)).mode & 0o777).toBe(0o600);
  });

  it('keeps one mark per server origin, however its URL is spelled (review finding)', async () => {
    const dir = configDir();
    await writeVerifiedMark(dir, 'https://Strongroom.example:443/', { seq: 7, hash: 'a'.repeat(64) });
    for (const spelling of [
      'https://strongroom.example',
      'https://STRONGROOM.example/v1/',
      'https://strongroom.example:443',
    ])
      expect(readVerifiedMark(dir, spelling)?.seq).toBe(7);
    expect(readVerifiedMark(dir, 'https://strongroom.example:8443')).toBeNull();
    expect(markEntryOf('https://Strongroom.example:443/x')).toBe('https://strongroom.example');
  });

  it('reads a mark kept before keys were pinned, and ignores one with a malformed key', async () => {
    const dir = configDir();
    await writeVerifiedMark(dir, SERVER, { seq: 3, hash: 'cd'.repeat(32) });
    expect(readVerifiedMark(dir, SERVER)).toEqual({ seq: 3, hash: 'cd'.repeat(32) });
    await writeVerifiedMark(dir, SERVER, { ...MARK, key: { kid: 'short', x: MARK.key.x } });
    expect(readVerifiedMark(dir, SERVER)).toBeNull();
  });

  it('refuses a file group or others may read (SESSION_FILE_UNSAFE), and does not write over it', async () => {
    const dir = configDir();
    await writeVerifiedMark(dir, SERVER, MARK);
    fs.chmodSync(fileIn(dir), 0o644);
    expect(codeOf(() => readVerifiedMark(dir, SERVER))).toBe('SESSION_FILE_UNSAFE');
    const before = fs.readFileSync(fileIn(dir), 'utf8');
    await expect(writeVerifiedMark(dir, SERVER, { ...MARK, seq: 99 })).rejects.toMatchObject({
      code: 'SESSION_FILE_UNSAFE',
    });
    expect(fs.readFileSync(fileIn(dir), 'utf8')).toBe(before);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a file that belongs to another user', async () => {
    const dir = configDir();
    await writeVerifiedMark(dir, SERVER, MARK);
    fs.chownSync(fileIn(dir), 1, 1);
    expect(codeOf(() => readVerifiedMark(dir, SERVER))).toBe('SESSION_FILE_UNSAFE');
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a config directory that belongs to another user', async () => {
    const dir = configDir();
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, 1, 1);
    await expect(writeVerifiedMark(dir, SERVER, MARK)).rejects.toMatchObject({ code: 'SESSION_FILE_UNSAFE' });
    expect(fs.existsSync(fileIn(dir))).toBe(false);
  });

  it('never follows a symlink planted at the temporary name', async () => {
    const dir = configDir();
    fs.mkdirSync(dir, { mode: 0o700 });
    const victim = path.join(path.dirname(dir), 'victim');
    fs.writeFileSync(victim, 'untouched\n');
    fs.symlinkSync(victim, `${fileIn(dir)}.${process.pid}.tmp`);
    await writeVerifiedMark(dir, SERVER, MARK);
    expect(fs.readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(fs.lstatSync(fileIn(dir)).isFile()).toBe(true);
    expect(readVerifiedMark(dir, SERVER)).toEqual(MARK);
    expect(fs.existsSync(`${fileIn(dir)}.${process.pid}.tmp`)).toBe(false);
  });

  it('makes a config directory others may enter 0700 before writing', async () => {
    const dir = configDir();
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    await writeVerifiedMark(dir, SERVER, MARK);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });
});
