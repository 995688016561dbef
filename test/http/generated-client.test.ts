/**
 * A client generated from the served /openapi.json (@hey-api/openapi-ts, fetch client) type-checks a sample program
 * that uses it the way an application would, with the project's TypeScript and strict settings. The sample fails
 * to compile, and so this test fails, when the document stops saying what a client needs: `limit` as an integer,
 * the `X-Access-Purpose` header on a read, a named `ErrorResponse` whose `code` is the union of the table's codes
 * (AMBIGUOUS_CREDENTIALS among them), the login and record shapes.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@hey-api/openapi-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const PROJECT = path.resolve(import.meta.dirname, '../..');

const SAMPLE = `
import { createClient } from './client/client/index.js';
import { createRecord, getMe, getRecord, listUsers, login } from './client/sdk.gen.js';
import type { ErrorResponse, GetRecordData, Record as StoredRecord, User } from './client/types.gen.js';

type ErrorCode = ErrorResponse['error']['code'];

/** Logs in, reads the caller, lists users, writes a record and reads it back with a purpose. */
export async function sample(baseUrl: string, username: string, password: string): Promise<ErrorCode | null> {
  const api = createClient({ baseUrl });
  const session = await login({ client: api, body: { username, password } });
  if (session.error !== undefined) return describeError(session.error);
  const accessToken: string = session.data.access_token;
  const expiresIn: number = session.data.expires_in;
  // Exactly one credential header: operations list both schemes, so only the bearer one gets the token.
  api.setConfig({ auth: (scheme) => (scheme.type === 'http' ? accessToken : undefined) });

  const me = await getMe({ client: api });
  if (me.error !== undefined) return describeError(me.error);
  const who: string = me.data.username;

  const users = await listUsers({ client: api, query: { limit: 10 } });
  if (users.error !== undefined) return describeError(users.error);
  // Responses are named schemas: a page of users is a list of \`User\`.
  const first: User | undefined = users.data.users[0];
  // @ts-expect-error: limit is an integer, not text
  await listUsers({ client: api, query: { limit: '10' } });

  const created = await createRecord({
    client: api,
    path: { collection: 'patients' },
    body: { subject: 'patient-1', fields: { ssn: '123-45-6789', age: 42, consent: true } },
  });
  if (created.error !== undefined) return describeError(created.error);
  const revision: number = created.data.revision;

  const purpose: NonNullable<GetRecordData['headers']>['x-access-purpose'] = 'support';
  const read = await getRecord({
    client: api,
    path: { collection: 'patients', id: created.data.id },
    query: { reveal: 'ssn' },
    headers: { 'x-access-purpose': purpose },
  });
  const record: StoredRecord | undefined = read.data;
  console.log(expiresIn, who, revision, first?.roles, record?.redaction);
  return read.error === undefined ? null : describeError(read.error);
}

function describeError(error: ErrorResponse): ErrorCode {
  const { code, request_id: requestId } = error.error;
  if (code === 'AMBIGUOUS_CREDENTIALS') console.error('send one credential header', requestId);
  if (code === 'PURPOSE_REQUIRED') console.error('state a purpose', error.error.field);
  return code;
}

// The code is one of the table's, not any text.
// @ts-expect-error: not an error code
export const notACode: ErrorCode = 'NOT_AN_ERROR_CODE';
`;

// The project's settings, plus what a fetch client needs (DOM types); exactOptionalPropertyTypes is off because
// the generator's own runtime code (client/*.gen.ts) does not compile under it, whatever the document says.
const TSCONFIG = {
  extends: path.join(PROJECT, 'tsconfig.json'),
  compilerOptions: {
    noEmit: true,
    rootDir: '.',
    lib: ['ES2023', 'DOM'],
    exactOptionalPropertyTypes: false,
    typeRoots: [path.join(PROJECT, 'node_modules/@types')],
  },
  include: ['sample.ts', 'client'],
};

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await createTestApp();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-client-'));
});
afterAll(async () => {
  await t.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('a client generated from /openapi.json', () => {
  it('type-checks a sample program with the project TypeScript in strict mode', async () => {
    const document = (await t.app.inject({ url: '/openapi.json' })).body;
    await fs.writeFile(path.join(dir, 'openapi.json'), document);
    await createClient({
      input: path.join(dir, 'openapi.json'),
      output: path.join(dir, 'client'),
      plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
      logs: { level: 'error', file: false },
    });
    const types = await fs.readFile(path.join(dir, 'client/types.gen.ts'), 'utf8');
    expect(types).toContain('export type ErrorResponse = {');
    expect(types).not.toMatch(/\bDef\d+\b/);

    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    await fs.writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    await fs.writeFile(path.join(dir, 'sample.ts'), SAMPLE);
    const tsc = require.resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')]).then(
      () => ({ ok: true, output: '' }),
      (error: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);
});
