import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createCore } from '../../src/core/index.js';
import { createLogger } from '../../src/log.js';
import { systemCaller } from '../../src/services/index.js';
import { initialize } from '../../src/setup/initialize.js';
import { strongPassword } from '../helpers/test-app.js';
import { PATIENT_FIELDS, patient } from '../helpers/vault.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function freshConfig() {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-core-'));
  dirs.push(dataDir);
  const config = loadConfig({ dataDir, logLevel: 'silent' }, {});
  await initialize(config);
  return config;
}

describe('createCore: the services without HTTP', () => {
  it('serves logins and records once started, and closes the database when stopped', async () => {
    const core = await createCore(await freshConfig(), { logger: createLogger({ level: 'silent' }) });
    // Built but not started: the root key has not been handed over yet, so nothing that needs it is ready.
    expect(core.rootKey.isSealed()).toBe(true);
    expect(await core.isReady()).toBe(false);
    await core.start();
    expect(core.rootKey.isSealed()).toBe(false);
    expect(await core.isReady()).toBe(true);

    const password = strongPassword();
    await core.services.users.create({ username: 'corealice', password, roles: ['user'] });
    const tokens = await core.services.login.login({
      username: 'corealice',
      password,
      clientAddress: '127.0.0.1',
    });
    const actor = await core.services.authenticator.authenticate({
      authorization: `Bearer ${tokens.accessToken}`,
      apiKey: undefined,
    });
    expect(actor.username).toBe('corealice');

    await core.stop();
    await expect(core.services.stores.users.count()).rejects.toThrow();
  });

  it('takes the record pipeline as a dependency: record writes audit through the one it is given', async () => {
    const audited: string[] = [];
    const core = await createCore(await freshConfig(), {
      logger: createLogger({ level: 'silent' }),
      records: (standard) => ({
        access: standard.access,
        audit: {
          ...standard.audit,
          appendInTransaction: (tx, inputs) => {
            audited.push(...inputs.map((input) => input.action));
            return standard.audit.appendInTransaction(tx, inputs);
          },
        },
      }),
    });
    await core.start();
    const collection = await core.services.collections.create('seed', {
      name: 'patients',
      fields: PATIENT_FIELDS as never,
    });
    await core.services.records.create(systemCaller('seed', ['admin'], 'support'), collection, {
      fields: patient(1),
    });
    expect(audited).toEqual(['record.create']);
    await core.stop();
  });
});

describe('a data directory whose root key is missing or another one (new-user finding)', () => {
  const sealSomething = async (config: ReturnType<typeof loadConfig>) => {
    const core = await createCore(config, { logger: createLogger({ level: 'silent' }) });
    await core.start();
    await core.stop();
  };

  it('refuses to create a new development key beside data sealed under the old one, and creates none', async () => {
    const config = await freshConfig();
    await sealSomething(config);
    await fs.rm(config.masterKeyFile);
    const refused = await initialize(config).then(
      () => null,
      (error: unknown) => error as { code?: string; field?: string; message: string },
    );
    expect(refused?.code).toBe('CONFIG_FILE_MISSING');
    expect(refused?.field).toBe('masterKeyFile');
    expect(refused?.message).toContain('put the master.key it was created with back in place');
    await expect(fs.access(config.masterKeyFile)).rejects.toThrow();
  });

  it('says the configured root key is not the one the data was sealed under, instead of a bare failure', async () => {
    const config = await freshConfig();
    await sealSomething(config);
    await fs.writeFile(config.masterKeyFile, `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
    const core = await createCore(config, { logger: createLogger({ level: 'silent' }) });
    const refused = await core.start().then(
      () => null,
      (error: unknown) => error as { code?: string; message: string },
    );
    await core.stop().catch(() => undefined);
    expect(refused?.code).toBe('CONFIG_ROOT_KEY_MISMATCH');
    expect(refused?.message).toContain('sealed under another root key');
  });
});
