import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has safe embedded defaults', () => {
    const config = loadConfig();
    expect(config).toMatchObject({
      dataDir: path.resolve('data'),
      host: '127.0.0.1',
      port: 8443,
      httpPort: null,
      trustProxy: false,
      databaseUrl: null,
      accessTokenTtlSeconds: 900,
      passwordMinLength: 12,
      argon2: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.argon2)).toBe(true);
  });

  it('takes flags over STRONGROOM_* variables over defaults', () => {
    const env = {
      STRONGROOM_PORT: '9443',
      STRONGROOM_HOST: '0.0.0.0',
      STRONGROOM_ACCOUNT_THROTTLE_FREE_ATTEMPTS: '3',
    };
    const config = loadConfig({ port: '10443' }, env);
    expect(config.port).toBe(10_443);
    expect(config.host).toBe('0.0.0.0');
    expect(config.throttle.account.freeAttempts).toBe(3);
  });

  it.each([
    [{ port: 'abc' }, 'CONFIG_NOT_A_NUMBER', 'port'],
    [{ port: '70000' }, 'CONFIG_OUT_OF_RANGE', 'port'],
    [{ passwordMinLength: '7' }, 'CONFIG_OUT_OF_RANGE', 'passwordMinLength'],
    [{ argon2MemoryCost: '4096' }, 'CONFIG_OUT_OF_RANGE', 'argon2MemoryCost'],
    [{ logLevel: 'loud' }, 'CONFIG_INVALID_VALUE', 'logLevel'],
    [{ tlsCert: 'cert.pem' }, 'CONFIG_CONFLICT', 'tlsCert'],
    [{ databaseUrl: 'mysql://x' }, 'CONFIG_INVALID_VALUE', 'databaseUrl'],
    [{ databaseSchema: 'Robert"; drop' }, 'CONFIG_INVALID_VALUE', 'databaseSchema'],
    [{ keyring: 'hsm' }, 'CONFIG_INVALID_VALUE', 'keyring'],
    [{ mode: 'staging' }, 'CONFIG_INVALID_VALUE', 'mode'],
    [{ issuer: 'i'.repeat(257) }, 'CONFIG_INVALID_VALUE', 'issuer'],
    [{ audience: 'api\nx' }, 'CONFIG_INVALID_VALUE', 'audience'],
    [{ auditSinkLeaseSeconds: '1' }, 'CONFIG_OUT_OF_RANGE', 'auditSinkLeaseSeconds'],
    [
      { auditSinkTimeoutSeconds: '10', auditSinkLeaseSeconds: '11' },
      'CONFIG_CONFLICT',
      'auditSinkLeaseSeconds',
    ],
  ])('refuses %o with code %s naming the setting', (flags, code, field) => {
    expect(() => loadConfig(flags)).toThrow(expect.objectContaining({ name: 'AppError', code, field }));
    try {
      loadConfig(flags);
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
    }
  });

  it('never echoes a refused value', () => {
    try {
      loadConfig({ databaseUrl: 'mysql://user:hunter2@db' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('waits 60 s for PostgreSQL at start unless told otherwise (0: one attempt), and bounds the setting', () => {
    expect(loadConfig({}, {}).databaseStartTimeoutMs).toBe(60_000);
    expect(loadConfig({}, { STRONGROOM_DATABASE_START_TIMEOUT_MS: '0' }).databaseStartTimeoutMs).toBe(0);
    expect(() => loadConfig({}, { STRONGROOM_DATABASE_START_TIMEOUT_MS: '3600001' })).toThrow(
      /databaseStartTimeoutMs \(STRONGROOM_DATABASE_START_TIMEOUT_MS\) must be between 0 and 3600000/,
    );
  });

  it('gives an audit sink lease 30 s, or the send timeout + 2 s when longer', () => {
    expect(loadConfig().audit.sinks).toMatchObject({ timeoutMs: 10_000, leaseMs: 30_000 });
    expect(loadConfig({ auditSinkTimeoutSeconds: '60' }).audit.sinks.leaseMs).toBe(62_000);
    const short = loadConfig({ auditSinkTimeoutSeconds: '2', auditSinkLeaseSeconds: '4' });
    expect(short.audit.sinks.leaseMs).toBe(4000);
  });

  it('defaults to the auto keyring with the keyring file in the data directory', () => {
    const config = loadConfig({ dataDir: '/srv/sr' });
    expect(config.keyring).toBe('auto');
    expect(config.keyringFile).toBe(path.resolve('/srv/sr/keyring.json'));
    expect(loadConfig({}, { STRONGROOM_KEYRING: 'sealed' }).keyring).toBe('sealed');
  });

  it('refuses a sealed keyring together with a master key from env or a file, without echoing the key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    for (const env of [{ STRONGROOM_MASTER_KEY: key }, { STRONGROOM_MASTER_KEY_FILE: '/run/secrets/k' }]) {
      expect(() => loadConfig({ keyring: 'sealed' }, env)).toThrow(
        expect.objectContaining({ code: 'CONFIG_CONFLICT', field: 'keyring' }),
      );
      try {
        loadConfig({ keyring: 'sealed' }, env);
      } catch (error) {
        expect(String(error)).not.toContain(key);
      }
    }
  });
});
