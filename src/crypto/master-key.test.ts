import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMasterKey } from './master-key.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-mk-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadMasterKey', () => {
  it('creates the development key file once, owner-only, and reads it back', () => {
    const file = path.join(dir, 'data', 'master.key');
    const created = loadMasterKey({ masterKey: null, masterKeyFile: file, isDefaultFile: true });
    expect(created).toMatchObject({ source: 'development-key-file', created: true });
    expect(created.key).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = loadMasterKey({ masterKey: null, masterKeyFile: file, isDefaultFile: true });
    expect(again.created).toBe(false);
    expect(again.key.equals(created.key)).toBe(true);
  });

  it('prefers a configured key', () => {
    const key = randomBytes(32);
    const loaded = loadMasterKey({
      masterKey: key.toString('base64'),
      masterKeyFile: path.join(dir, 'x'),
      isDefaultFile: true,
    });
    expect(loaded.source).toBe('configured');
    expect(loaded.key.equals(key)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  });

  it('refuses keys of the wrong size without echoing them', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => loadMasterKey({ masterKey: short, masterKeyFile: '', isDefaultFile: false })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID_VALUE', field: 'masterKey' }),
    );
    try {
      loadMasterKey({ masterKey: short, masterKeyFile: '', isDefaultFile: false });
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
  });

  it('refuses a key file that others can read, and a configured file that is missing', () => {
    const file = path.join(dir, 'master.key');
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => loadMasterKey({ masterKey: null, masterKeyFile: file, isDefaultFile: false })).toThrow(
      expect.objectContaining({ code: 'CONFIG_FILE_INSECURE', field: 'masterKeyFile' }),
    );
    expect(() =>
      loadMasterKey({ masterKey: null, masterKeyFile: path.join(dir, 'missing'), isDefaultFile: false }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_FILE_MISSING', field: 'masterKeyFile' }));
  });
});
