/**
 * `npm run lint:openapi`: builds the served /openapi.json from the real app (SQLite in a temporary directory) and
 * lints it with Spectral (spectral:oas + the OWASP ruleset, .spectral.yaml) and Redocly (recommended rules,
 * redocly.yaml). Exits non-zero on any error. Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildApp } from '../dist/src/app.js';
import { loadConfig } from '../dist/src/config.js';
import { ensureDevCertificates, loadTlsFiles } from '../dist/src/tls/index.js';

const dir = mkdtempSync(join(tmpdir(), 'strongroom-openapi-'));
const file = join(dir, 'openapi.json');
try {
  const config = loadConfig({ dataDir: join(dir, 'data'), port: 0, logLevel: 'silent' }, {});
  const certs = await ensureDevCertificates(join(dir, 'tls'));
  const tls = await loadTlsFiles(certs.certPath, certs.keyPath);
  const { app } = await buildApp(config, { tls, logDestination: pino.destination('/dev/null') });
  writeFileSync(file, (await app.inject({ url: '/openapi.json' })).body);
  await app.close();
  let failed = false;
  for (const [tool, args] of [
    ['spectral', ['lint', '--ruleset', '.spectral.yaml', '--fail-severity', 'error', file]],
    ['redocly', ['lint', '--config', 'redocly.yaml', file]],
  ]) {
    try {
      execFileSync('npx', ['--no-install', tool, ...args], { stdio: 'inherit', env: { ...process.env, SCARF_ANALYTICS: 'false', REDOCLY_TELEMETRY: 'off' } });
    } catch {
      failed = true;
    }
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
