/**
 * What production mode refuses to start with: each a development convenience that is a weakness in production.
 * Reads only the configuration and the files it names (existence, real paths through links, the certificate's
 * issuer), so it runs before anything is created or written: a production start on an empty data directory must
 * not quietly generate a development key or certificate. A key file anywhere inside the data directory counts as
 * the development key (a copy of the directory holds it), and a development certificate counts wherever it was
 * copied to (its issuer is a local development CA).
 * Invariants: every problem names the setting to change, never a secret value; an empty list means none was found.
 * Not addressed: the strength of a configured key or certificate (see `strongroom check`, issue 11).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { keyFileInsideDataDir } from '../services/posture/index.js';
import { isDevelopmentCertificate } from '../tls/index.js';
import { INITIAL_ADMIN_PASSWORD_FILE } from './initial-admin.js';

export type ProductionProblemCode =
  | 'PRODUCTION_DEVELOPMENT_ROOT_KEY'
  | 'PRODUCTION_DEVELOPMENT_CERTIFICATE'
  | 'PRODUCTION_DEBUG_LOGGING'
  | 'PRODUCTION_INITIAL_PASSWORD_FILE';

export interface ProductionProblem {
  code: ProductionProblemCode;
  /** What to change, in a few words. */
  fix: string;
}

/** The reasons production mode must not start with this configuration; empty when there are none. */
export function productionProblems(
  config: Readonly<Config>,
  exists: (file: string) => boolean = fs.existsSync,
): ProductionProblem[] {
  const problems: ProductionProblem[] = [];
  if (keyFileInsideDataDir(config)) {
    problems.push({
      code: 'PRODUCTION_DEVELOPMENT_ROOT_KEY',
      fix: 'set STRONGROOM_MASTER_KEY_FILE to a file outside the data directory (or STRONGROOM_MASTER_KEY, or --keyring sealed) instead of a key file inside it',
    });
  }
  if (isDevelopmentCertificate(config.tlsCertPath, config.dataDir)) {
    problems.push({
      code: 'PRODUCTION_DEVELOPMENT_CERTIFICATE',
      fix: 'set --tls-cert and --tls-key to a certificate of your own instead of the generated development one',
    });
  }
  if (config.logLevel === 'debug' || config.logLevel === 'trace') {
    problems.push({ code: 'PRODUCTION_DEBUG_LOGGING', fix: 'set --log-level to info or quieter' });
  }
  if (exists(path.join(config.dataDir, INITIAL_ADMIN_PASSWORD_FILE))) {
    problems.push({
      code: 'PRODUCTION_INITIAL_PASSWORD_FILE',
      fix: `change the admin password, which deletes ${INITIAL_ADMIN_PASSWORD_FILE}: start once in development mode (without --mode production or STRONGROOM_MODE=production, other settings unchanged), log in as admin and run \`strongroom passwd\` (PUT /v1/me/password), then restart in production mode`,
    });
  }
  return problems;
}

/** The one line production mode exits with: every change needed, separated by semicolons. */
export function productionRefusal(problems: readonly ProductionProblem[]): string {
  return `production mode refuses to start: ${problems.map((p) => `${p.fix} [${p.code}]`).join('; ')}`;
}
