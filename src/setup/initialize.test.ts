import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { initialize } from './initialize.js';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-init-'));
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

const modeOf = (dir: string) => fs.statSync(dir).mode & 0o777;

// Ownership and mode checks are POSIX only.
describe.skipIf(process.getuid === undefined)('initialize', () => {
  it('creates a fresh data directory and its tls/ directory with mode 0700', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    const result = await initialize(loadConfig({ dataDir }));
    expect(result.dataDir).toBe(dataDir);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'tls'))).toBe(0o700);
    expect(result.masterKeyCreated).toBe(true);
    expect(result.initialAdminPasswordFile).toBe(path.join(dataDir, 'initial-admin-password'));
    expect(fs.existsSync(path.join(dataDir, 'strongroom.db'))).toBe(true);
  });

  it('is idempotent: the second run keeps the master key and creates no second admin', async () => {
    const dataDir = path.join(root, 'data');
    const config = loadConfig({ dataDir });
    const first = await initialize(config);
    const key = fs.readFileSync(config.masterKeyFile);
    const second = await initialize(config);
    expect(first.initialAdminPasswordFile).not.toBeNull();
    expect(second.initialAdminPasswordFile).toBeNull();
    expect(second.masterKeyCreated).toBe(false);
    expect(fs.readFileSync(config.masterKeyFile)).toEqual(key);
    expect(second.tls).toEqual(first.tls);
  });

  it('creates no master key file when the root key comes from a sealed keyring', async () => {
    const dataDir = path.join(root, 'data');
    const config = loadConfig({ dataDir, keyring: 'sealed' });
    const result = await initialize(config);
    expect(result).toMatchObject({ masterKeySource: 'sealed-keyring', masterKeyCreated: false });
    expect(fs.existsSync(config.masterKeyFile)).toBe(false);
  });

  it.each(['755', '750', '710', '707', '701'])(
    'refuses an existing data directory with mode %s, touching nothing in it',
    async (mode) => {
      const dataDir = path.join(root, 'data');
      fs.mkdirSync(dataDir);
      fs.chmodSync(dataDir, Number.parseInt(mode, 8));
      const config = loadConfig({ dataDir });
      const refusal = initialize(config);
      await expect(refusal).rejects.toMatchObject({ code: 'CONFIG_FILE_INSECURE', field: 'dataDir' });
      expect(fs.readdirSync(dataDir)).toEqual([]);
      fs.chmodSync(dataDir, 0o700);
      await expect(initialize(config)).resolves.toMatchObject({ masterKeyCreated: true });
    },
  );

  it('refuses an existing tls/ directory that others can access', async () => {
    const dataDir = path.join(root, 'data');
    const tlsDir = path.join(dataDir, 'tls');
    fs.mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(tlsDir, 0o755);
    // The directory refused is the thing under test: the message names it (the field is the setting, dataDir).
    await expect(initialize(loadConfig({ dataDir }))).rejects.toMatchObject({
      code: 'CONFIG_FILE_INSECURE',
      field: 'dataDir',
      message: expect.stringContaining(tlsDir),
    });
    expect(fs.readdirSync(tlsDir)).toEqual([]);
  });

  it('refuses a data directory owned by another user', async () => {
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    const owner = fs.statSync(dataDir).uid;
    vi.spyOn(process, 'getuid').mockReturnValue(owner + 1);
    await expect(initialize(loadConfig({ dataDir }))).rejects.toMatchObject({
      code: 'CONFIG_FILE_INSECURE',
      field: 'dataDir',
    });
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('refuses a data directory path that is a file', async () => {
    const dataDir = path.join(root, 'data');
    fs.writeFileSync(dataDir, '');
    await expect(initialize(loadConfig({ dataDir }))).rejects.toMatchObject({
      code: 'CONFIG_INVALID_VALUE',
      field: 'dataDir',
    });
  });
});
