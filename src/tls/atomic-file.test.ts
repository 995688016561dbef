import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strongroom-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates a file with exactly the requested mode, whatever the umask', async () => {
    const path = join(dir, 'secret.pem');
    await writeFileAtomic(path, 'one', 0o600);
    await writeFileAtomic(join(dir, 'public.pem'), 'two', 0o644);
    expect(await readFile(path, 'utf8')).toBe('one');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'public.pem'))).mode & 0o777).toBe(0o644);
  });

  it('replaces an existing file and its mode, leaving no temporary file', async () => {
    const path = join(dir, 'file.pem');
    await writeFile(path, 'old', { mode: 0o666 });
    await writeFileAtomic(path, new Uint8Array([110, 101, 119]), 0o600);
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['file.pem']);
  });

  it('replaces a symlink at the target instead of writing through it', async () => {
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'untouched');
    await symlink(outside, join(dir, 'link.pem'));
    await writeFileAtomic(join(dir, 'link.pem'), 'written', 0o600);
    expect(await readFile(outside, 'utf8')).toBe('untouched');
    expect(await readFile(join(dir, 'link.pem'), 'utf8')).toBe('written');
  });

  it('leaves the old file and no temporary file when the rename fails', async () => {
    const target = join(dir, 'target');
    await writeFile(join(dir, 'inside'), 'x');
    // A non-empty directory at the target makes the rename fail after the temporary file was written.
    await mkdir(target);
    await writeFile(join(target, 'f'), 'y');
    await expect(writeFileAtomic(target, 'data', 0o600)).rejects.toMatchObject({
      code: expect.stringMatching(/^E(ISDIR|NOTEMPTY|EXIST)$/),
    });
    expect((await readdir(dir)).sort()).toEqual(['inside', 'target']);
  });
});
