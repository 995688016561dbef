/**
 * The CLI's session lock (src/cli/session-lock.ts): a dead owner's lock is taken over, a live one's is waited for
 * and refused, and several processes racing to take over one dead owner's lock never hold it at the same time.
 * The racing commands are real processes, as they are in use.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { withSessionLock } from '../../src/cli/session-file.js';
import { withDirectoryLock } from '../../src/cli/session-lock.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A pid that ran on this host and has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

const writeLock = (dir: string, owner: object) =>
  fs.writeFileSync(path.join(dir, 'session.lock'), JSON.stringify(owner), { mode: 0o600 });

describe('session lock', () => {
  it('takes over the lock of a command that died holding it', async () => {
    const dir = tempDir();
    writeLock(dir, { pid: deadPid(), host: os.hostname() });
    await expect(withDirectoryLock(dir, async () => 'ran', 2_000)).resolves.toBe('ran');
    expect(fs.existsSync(path.join(dir, 'session.lock'))).toBe(false);
  });

  it.each([
    ['a live process', () => ({ pid: process.ppid, host: os.hostname() })],
    ['another host', () => ({ pid: deadPid(), host: `not-${os.hostname()}` })],
    ['an owner it cannot read', () => ({ note: 'half written' })],
  ])('waits for, then refuses, the lock of %s', async (_name, owner) => {
    const dir = tempDir();
    writeLock(dir, owner());
    let ran = false;
    const error = await withDirectoryLock(
      dir,
      async () => {
        ran = true;
      },
      300,
    ).catch((caught: unknown) => caught);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('SESSION_BUSY');
    expect(fs.existsSync(path.join(dir, 'session.lock'))).toBe(true);
  });

  it("lets exactly one of several racing processes hold a dead owner's lock at a time", async () => {
    const dir = tempDir();
    writeLock(dir, { pid: deadPid(), host: os.hostname() });
    const journal = path.join(dir, 'journal');
    const lockModule = new URL('../../dist/src/cli/session-lock.js', import.meta.url).href;
    const script = `
      import fs from 'node:fs';
      const { withDirectoryLock } = await import(${JSON.stringify(lockModule)});
      for (let i = 0; i < 5; i++) {
        await withDirectoryLock(${JSON.stringify(dir)}, async () => {
          fs.appendFileSync(${JSON.stringify(journal)}, 'in ' + process.pid + '\\n');
          await new Promise((resolve) => setTimeout(resolve, 5));
          fs.appendFileSync(${JSON.stringify(journal)}, 'out ' + process.pid + '\\n');
        }, 30000);
      }`;
    const runs = Array.from(
      { length: 6 },
      () =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
          child.on('exit', resolve);
        }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0, 0, 0]);
    const lines = fs.readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(60);
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, leave] = [lines[i]?.split(' '), lines[i + 1]?.split(' ')];
      expect([enter?.[0], leave?.[0], leave?.[1]]).toEqual(['in', 'out', enter?.[1]]);
    }
  }, 60_000);

  it.skipIf(process.getuid?.() !== 0)('refuses a config directory that belongs to another user', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o700);
    fs.chownSync(dir, 1, 1);
    const error = await withSessionLock(dir, async () => undefined).catch((caught: unknown) => caught);
    expect((error as CliError).code).toBe('SESSION_FILE_UNSAFE');
    expect(String((error as CliError).message)).toContain('another user');
  });
});
