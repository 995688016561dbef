import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { ensureDevCertificates } from '../tls/index.js';
import { INITIAL_ADMIN_PASSWORD_FILE } from './initial-admin.js';
import { productionProblems, productionRefusal } from './production-checks.js';

const DATA = path.resolve('/srv/strongroom');
const good = {
  mode: 'production',
  dataDir: DATA,
  masterKeyFile: '/etc/strongroom/root.key',
  tlsCert: '/etc/strongroom/tls/cert.pem',
  tlsKey: '/etc/strongroom/tls/key.pem',
  logLevel: 'info',
};
const none = () => false;
const codes = (flags: Record<string, string>, exists: (file: string) => boolean = none) =>
  productionProblems(loadConfig(flags), exists).map((p) => p.code);

describe('production checks', () => {
  it('finds nothing in a configuration with its own key, certificate and quiet logs', () => {
    expect(codes(good)).toEqual([]);
    const { masterKeyFile: _, ...withoutKeyFile } = good;
    expect(codes({ ...withoutKeyFile, masterKey: Buffer.alloc(32, 1).toString('base64') })).toEqual([]);
  });

  it('refuses the development key file, however it is reached', () => {
    const { masterKeyFile: _, ...withoutKey } = good;
    expect(codes(withoutKey)).toEqual(['PRODUCTION_DEVELOPMENT_ROOT_KEY']);
    expect(codes({ ...good, masterKeyFile: path.join(DATA, 'master.key') })).toEqual([
      'PRODUCTION_DEVELOPMENT_ROOT_KEY',
    ]);
  });

  it('refuses any key file inside the data directory, by any name or through a link (review finding)', () => {
    expect(codes({ ...good, masterKeyFile: path.join(DATA, 'root.key') })).toEqual([
      'PRODUCTION_DEVELOPMENT_ROOT_KEY',
    ]);
    expect(codes({ ...good, masterKeyFile: path.join(DATA, 'keys', 'nested.key') })).toEqual([
      'PRODUCTION_DEVELOPMENT_ROOT_KEY',
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-key-'));
    try {
      const data = path.join(dir, 'data');
      fs.mkdirSync(data);
      fs.writeFileSync(path.join(data, 'root.key'), 'x');
      const link = path.join(dir, 'elsewhere.key');
      fs.symlinkSync(path.join(data, 'root.key'), link);
      expect(codes({ ...good, dataDir: data, masterKeyFile: link })).toEqual([
        'PRODUCTION_DEVELOPMENT_ROOT_KEY',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a development certificate copied out of a data directory (its issuer is the local CA)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-cert-'));
    try {
      const dev = await ensureDevCertificates(path.join(dir, 'other-data', 'tls'));
      const copy = path.join(dir, 'etc', 'cert.pem');
      fs.mkdirSync(path.dirname(copy));
      fs.copyFileSync(dev.certPath, copy);
      expect(codes({ ...good, tlsCert: copy })).toEqual(['PRODUCTION_DEVELOPMENT_CERTIFICATE']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a sealed keyring as the root key source', () => {
    const { masterKeyFile: _, ...withoutKey } = good;
    expect(codes({ ...withoutKey, keyring: 'sealed' })).toEqual([]);
  });

  it('refuses the generated development certificate, also when named explicitly', () => {
    const { tlsCert: _c, tlsKey: _k, ...withoutTls } = good;
    expect(codes(withoutTls)).toEqual(['PRODUCTION_DEVELOPMENT_CERTIFICATE']);
    const generated = {
      tlsCert: path.join(DATA, 'tls/server.pem'),
      tlsKey: path.join(DATA, 'tls/server-key.pem'),
    };
    expect(codes({ ...good, ...generated })).toEqual(['PRODUCTION_DEVELOPMENT_CERTIFICATE']);
  });

  it.each(['debug', 'trace'])('refuses log level %s', (logLevel) => {
    expect(codes({ ...good, logLevel })).toEqual(['PRODUCTION_DEBUG_LOGGING']);
  });

  it('refuses while the initial admin password file exists', () => {
    const file = path.join(DATA, INITIAL_ADMIN_PASSWORD_FILE);
    expect(codes(good, (f) => f === file)).toEqual(['PRODUCTION_INITIAL_PASSWORD_FILE']);
  });

  it('says every change needed in one line, naming settings only', () => {
    const { masterKeyFile: _, tlsCert: _c, tlsKey: _k, ...bare } = good;
    const line = productionRefusal(
      productionProblems(loadConfig({ ...bare, logLevel: 'debug' }), () => true),
    );
    expect(line).not.toContain('\n');
    for (const code of [
      'PRODUCTION_DEVELOPMENT_ROOT_KEY',
      'PRODUCTION_DEVELOPMENT_CERTIFICATE',
      'PRODUCTION_DEBUG_LOGGING',
      'PRODUCTION_INITIAL_PASSWORD_FILE',
    ])
      expect(line).toContain(code);
  });

  it('rejects an unknown mode', () => {
    expect(() => loadConfig({ mode: 'prod' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID_VALUE', field: 'mode' }),
    );
  });
});
