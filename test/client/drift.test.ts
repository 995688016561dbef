/**
 * Drift: packages/client/src/schema.ts must be what openapi-typescript makes of the server's current
 * /openapi.json. Regenerates into a temporary file with the same script as `npm run generate:client` (on the built
 * server: `pretest` builds it) and fails, naming that command, when the committed file differs.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROJECT = path.resolve(import.meta.dirname, '../..');
const COMMITTED = path.join(PROJECT, 'packages/client/src/schema.ts');

describe('the client types', () => {
  it('match the served OpenAPI document', { timeout: 60_000 }, async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-drift-'));
    try {
      const fresh = path.join(dir, 'schema.ts');
      await run(process.execPath, ['scripts/generate-client.mjs', '--out', fresh], { cwd: PROJECT });
      const [expected, actual] = await Promise.all([
        fs.readFile(fresh, 'utf8'),
        fs.readFile(COMMITTED, 'utf8'),
      ]);
      const expectedLines = expected.split('\n');
      const actualLines = actual.split('\n');
      const firstDifference = expectedLines.findIndex((line, i) => line !== actualLines[i]);
      const verdict =
        expected === actual
          ? 'up to date'
          : `packages/client/src/schema.ts is out of date (from line ${firstDifference + 1}): run \`npm run generate:client\``;
      expect(verdict).toBe('up to date');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
