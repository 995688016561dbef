/**
 * A data directory made under the development key file: `strongroom operator init` refuses it (naming `operator
 * migrate`), a sealed start refuses it, and `strongroom operator migrate` moves it to a sealed keyring: after
 * unsealing with the new shares every record, token, subject id HMAC, audit identifier HMAC and signing key is the
 * one from before, and the development key file is gone. Needs the compiled CLI (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createCore } from '../../src/core/index.js';
import { initSealedKeyring } from '../../src/crypto/index.js';
import { createLogger } from '../../src/log.js';
import { systemCaller } from '../../src/services/index.js';
import { initialize } from '../../src/setup/initialize.js';
import { PATIENT_FIELDS, patient } from '../helpers/vault.js';

const CLI = path.resolve('dist/src/cli/main.js');
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STRONGROOM_')),
);
const logger = createLogger({ level: 'silent' });
const caller = systemCaller('migration-test', ['admin'], 'support');
const SUBJECT = 'customer-8841';

describe('strongroom operator migrate', () => {
  let dir: string;
  let dataDir: string;
  const before: Record<string, unknown> = {};

  const cli = (args: string[]) =>
    spawnSync('node', [CLI, 'operator', ...args, '--data-dir', dataDir], { encoding: 'utf8', env });

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-migrate-'));
    dataDir = path.join(dir, 'data');
    const config = loadConfig({ dataDir, logLevel: 'silent' }, {});
    await initialize(config);
    const core = await createCore(config, { logger });
    await core.start();
    const collection = await core.services.collections.create('seed', {
      name: 'patients',
      fields: PATIENT_FIELDS as never,
    });
    const created = await core.services.records.create(caller, collection, {
      fields: patient(7),
      subject: SUBJECT,
    });
    const token = await core.services.tokens.tokenize(caller, {
      kind: 'deterministic',
      type: 'email',
      value: 'migrated@example.com',
    });
    Object.assign(before, {
      id: created.id,
      token: token.token,
      subjectHash: core.services.subjects.hash(SUBJECT),
      auditHash: core.services.audit.hmacIdentifier('someone'),
      kid: core.services.keyring.current().kid,
    });
    await core.stop();
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('init refuses data sealed under the development key, and says to migrate', () => {
    const run = cli(['init', '--shares', '3', '--threshold', '2']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('development key file');
    expect(run.stderr).toContain('strongroom operator migrate');
    expect(run.stdout).not.toMatch(/srs1-/);
    expect(fs.existsSync(path.join(dataDir, 'keyring.json'))).toBe(false);
  });

  it('a sealed start refuses the data too, before any share is asked for', async () => {
    const keyringFile = path.join(dir, 'stray-keyring.json');
    await initSealedKeyring(keyringFile, { shares: 3, threshold: 2 });
    const config = loadConfig({ dataDir, logLevel: 'silent', keyring: 'sealed', keyringFile }, {});
    await expect(createCore(config, { logger })).rejects.toMatchObject({
      code: 'CONFIG_CONFLICT',
      message: expect.stringContaining('operator migrate'),
    });
  });

  it('a sealed start refuses data made before the keyring under a configured key too', async () => {
    const other = path.join(dir, 'configured');
    const masterKey = randomBytes(32).toString('base64');
    const config = loadConfig({ dataDir: other, logLevel: 'silent' }, { STRONGROOM_MASTER_KEY: masterKey });
    await initialize(config);
    const core = await createCore(config, { logger });
    await core.start();
    await core.stop();
    const keyringFile = path.join(other, 'keyring.json');
    const anHourLater = Date.now() + 3_600_000;
    await initSealedKeyring(keyringFile, { shares: 3, threshold: 2, clock: () => anHourLater });
    const sealed = loadConfig({ dataDir: other, logLevel: 'silent', keyring: 'sealed' }, {});
    await expect(createCore(sealed, { logger })).rejects.toMatchObject({
      code: 'CONFIG_CONFLICT',
      message: expect.stringContaining('operator migrate'),
    });
  });

  it('migrate reseals under a new keyring; after unsealing everything is as before', async () => {
    const run = cli(['migrate', '--shares', '3', '--threshold', '2']);
    expect(run.status, run.stderr).toBe(0);
    const shares = [...run.stdout.matchAll(/^Share \d of 3: (\S+)$/gm)].map((m) => m[1] as string);
    expect(shares).toHaveLength(3);
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(false);
    expect(fs.statSync(path.join(dataDir, 'keyring.json')).mode & 0o777).toBe(0o600);
    // Migrating twice is refused: the keyring exists and the old key is gone.
    expect(cli(['migrate']).status).toBe(1);

    const config = loadConfig({ dataDir, logLevel: 'silent', keyring: 'sealed' }, {});
    const core = await createCore(config, { logger });
    try {
      await core.start();
      expect(core.rootKey.isSealed()).toBe(true);
      await core.unsealSession?.submit(shares[2] as string);
      expect((await core.unsealSession?.submit(shares[0] as string))?.sealed).toBe(false);
      const collection = await core.services.collections.get('patients');
      if (collection === null) throw new Error('collection lost');
      const view = await core.services.recordReader.get(caller, collection, before.id as string, {
        reveal: ['ssn'],
        redaction: 'masked',
      });
      expect(view.fields.ssn).toBe(patient(7).ssn);
      expect(core.services.subjects.hash(SUBJECT)).toBe(before.subjectHash);
      expect(core.services.audit.hmacIdentifier('someone')).toBe(before.auditHash);
      expect(core.services.keyring.current().kid).toBe(before.kid);
      const [value] = await core.services.tokens.detokenize(caller, [before.token as string]);
      expect(value).toMatchObject({ value: 'migrated@example.com' });
      const again = await core.services.tokens.tokenize(caller, {
        kind: 'deterministic',
        type: 'email',
        value: 'migrated@example.com',
      });
      expect(again.token).toBe(before.token);
    } finally {
      await core.stop();
    }
  });
});
