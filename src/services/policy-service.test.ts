import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isConfigError } from '../config.js';
import { type AppError, isAppError } from '../errors.js';
import { defaultPolicyDocument } from '../policy/index.js';
import { createPersistence, type DatabaseHandle, migrateToLatest, openDatabase } from '../storage/index.js';
import { createPolicyService } from './policy-service.js';
import type { SecurityEventType } from './security-events.js';

const nurse = {
  version: 1,
  purposes: ['care'],
  roles: {
    nurse: {
      rules: [
        { effect: 'allow', actions: ['read'], resources: ['collections/patients/**'], purposes: ['care'] },
      ],
    },
  },
};

const NURSE_YAML = `
version: 1
purposes: [care]
roles:
  nurse:
    rules:
      - effect: allow
        actions: [read]
        resources: ["collections/patients/**"]
        purposes: [care]
`;

let dir: string;
let handle: DatabaseHandle;
let events: Array<{ type: SecurityEventType; detail: unknown; userId: unknown }>;

function service(now = 1_000) {
  return createPolicyService({
    store: createPersistence(handle).stores.policies,
    events: {
      record: async (type, input = {}) => {
        events.push({ type, detail: input.detail, userId: input.userId });
      },
    },
    clock: () => now,
  });
}

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, text);
  return file;
}

async function startError(file: string): Promise<AppError> {
  const error = await service()
    .init({ policyFile: file })
    .then(
      () => null,
      (caught: unknown) => caught,
    );
  if (!isConfigError(error)) throw new Error(`expected a CONFIG_* AppError, got ${String(error)}`);
  return error;
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-policy-'));
  handle = await openDatabase({
    databaseUrl: null,
    databaseSchema: null,
    sqlitePath: path.join(dir, 'db.sqlite'),
  });
  await migrateToLatest(handle.db as never);
  events = [];
});
afterEach(async () => {
  await handle.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('policy service: start', () => {
  it('installs the default once, as version 1, and keeps it on the next start', async () => {
    const first = await service().init({ policyFile: null });
    expect(first).toMatchObject({ version: 1, source: 'default', createdBy: null });
    expect(first.document).toEqual(defaultPolicyDocument());
    expect([...first.policy.roles.keys()].sort()).toEqual(['admin', 'introspector', 'monitor', 'user']);
    const again = await service().init({ policyFile: null });
    expect(again.version).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['policy_changed']);
  });

  it('uses the latest stored version when no file is given', async () => {
    const a = service();
    await a.init({ policyFile: null });
    await a.put(nurse, { userId: 'admin-1' });
    const b = await service().init({ policyFile: null });
    expect(b).toMatchObject({ version: 2, source: 'api', createdBy: 'admin-1', document: nurse });
  });

  it.each([
    ['JSON', 'policy.json', JSON.stringify(nurse)],
    ['YAML', 'policy.yaml', NURSE_YAML],
  ])('loads a %s file, stores it once, and again only when it changes', async (_kind, name, text) => {
    const file = await write(name, text);
    const first = await service().init({ policyFile: file });
    expect(first).toMatchObject({ version: 1, source: 'file', document: nurse });
    expect(first.policy.roles.has('nurse')).toBe(true);
    expect((await service().init({ policyFile: file })).version).toBe(1);

    const changed = { ...nurse, purposes: ['care', 'billing'] };
    await fs.writeFile(file, JSON.stringify(changed));
    if (name.endsWith('.json')) {
      expect(await service().init({ policyFile: file })).toMatchObject({ version: 2, document: changed });
    }
    expect(events.every((e) => e.type === 'policy_changed')).toBe(true);
  });

  it('puts the file back in force over a version stored through the API', async () => {
    const file = await write('policy.json', JSON.stringify(nurse));
    const a = service();
    await a.init({ policyFile: file });
    await a.put(defaultPolicyDocument(), { userId: 'admin-1' });
    expect(await service().init({ policyFile: file })).toMatchObject({ version: 3, source: 'file' });
  });

  it.each([
    [
      'an invalid document (JSON)',
      'bad.json',
      JSON.stringify({ ...nurse, roles: { nurse: { rules: [{}] } } }),
    ],
    [
      'an invalid document (YAML)',
      'bad.yml',
      'version: 1\npurposes: []\nroles:\n  nurse:\n    rules:\n      - {}\n',
    ],
  ])('refuses %s, naming the file and the path, storing nothing', async (_name, file, text) => {
    const full = await write(file, text);
    const error = await startError(full);
    expect(error).toMatchObject({ code: 'CONFIG_POLICY_FILE_INVALID', field: 'policyFile' });
    expect(await createPersistence(handle).stores.policies.latestVersion()).toBe(0);
  });

  it.each([
    ['unparsable JSON', 'p.json', '{"version": 1, canary-secret'],
    ['unparsable YAML', 'p.yaml', 'version: 1\nroles: [canary-secret\n'],
    ['duplicate YAML keys', 'p.yaml', 'version: 1\nversion: 1\npurposes: []\nroles: {}\n'],
    ['an unknown extension', 'p.txt', '{}'],
  ])('refuses %s without echoing its content', async (_name, file, text) => {
    const full = await write(file, text);
    const error = await startError(full);
    expect(error).toMatchObject({ code: 'CONFIG_POLICY_FILE_INVALID', field: 'policyFile' });
    expect(error.message).not.toContain('canary-secret');
  });

  it('refuses a missing file', async () => {
    expect(await startError(path.join(dir, 'missing.json'))).toMatchObject({
      code: 'CONFIG_POLICY_FILE_UNREADABLE',
    });
  });

  it('caps YAML alias expansion', async () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
      { length: 12 },
      (_, i) =>
        `b${i}: &b${i} [${Array(10)
          .fill(i === 0 ? '*a' : `*b${i - 1}`)
          .join(', ')}]`,
    ).join('\n')}\n`;
    await startError(await write('bomb.yaml', bomb));
  });
});

describe('policy service: changes', () => {
  it('stores a valid document as the next version and puts it in force', async () => {
    const s = service(5_000);
    await s.init({ policyFile: null });
    const stored = await s.put(nurse, { userId: 'admin-1' });
    expect(stored).toMatchObject({ version: 2, source: 'api', createdBy: 'admin-1', createdAt: 5_000 });
    expect(s.current().version).toBe(2);
    expect(s.policy().roles.has('nurse')).toBe(true);
    expect(events.at(-1)).toEqual({
      type: 'policy_changed',
      userId: 'admin-1',
      detail: { version: 2, source: 'api', previous_version: 1 },
    });
    expect(await s.history({ limit: 10 })).toEqual([
      { version: 2, source: 'api', createdBy: 'admin-1', createdAt: 5_000 },
      { version: 1, source: 'default', createdBy: null, createdAt: 5_000 },
    ]);
    expect(await s.history({ limit: 10, before: 2 })).toHaveLength(1);
  });

  it('refuses an invalid document with its path and changes nothing', async () => {
    const s = service();
    await s.init({ policyFile: null });
    const before = events.length;
    const error = await s.put({ ...nurse, purposes: ['Care'] }, { userId: 'a' }).catch((e: unknown) => e);
    expect(isAppError(error, 'VALIDATION_FAILED') && error.field).toBe('$.purposes[0]');
    expect(s.current().version).toBe(1);
    expect(await createPersistence(handle).stores.policies.latestVersion()).toBe(1);
    expect(events.length).toBe(before);
  });

  it('lets another node pick up a newer version, never an older one', async () => {
    const a = service();
    const b = service();
    await a.init({ policyFile: null });
    await b.init({ policyFile: null });
    expect(await b.refresh()).toBe(false);
    await a.put(nurse, { userId: 'admin-1' });
    expect(b.current().version).toBe(1);
    expect(await b.refresh()).toBe(true);
    expect(b.current()).toMatchObject({ version: 2, document: nurse });
    expect(await b.refresh()).toBe(false);
  });

  it('gives concurrent changes distinct versions', async () => {
    const a = service();
    const b = service();
    await a.init({ policyFile: null });
    await b.init({ policyFile: null });
    const versions = await Promise.all([
      a.put(nurse, { userId: 'x' }),
      b.put(defaultPolicyDocument(), { userId: 'y' }),
      a.put(nurse, { userId: 'z' }),
    ]);
    expect(versions.map((v) => v.version).sort()).toEqual([2, 3, 4]);
  });
});
