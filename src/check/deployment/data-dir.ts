/**
 * The offline half of `check deployment --data-dir DIR`: the data directory as found on the host, without a
 * running server. Files are stat'ed, never opened (the same stat as the server's posture); the configuration says
 * which root key the server would use, so a development key file is told apart from one left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { backupLeftovers, filePosture, watchedFiles } from '../../services/posture/index.js';
import { isInsideDirectory } from '../../tls/index.js';
import { CheckInputError } from '../check-error.js';
import { DEPLOYMENT_RULES as R } from './deployment-rules.js';
import { type AddFinding, fileFindings } from './posture-findings.js';

export const DEVELOPMENT_KEY_FILE = 'master.key';
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export interface DataDirSettings {
  readonly dataDir: string;
  /** The configured key file (STRONGROOM_MASTER_KEY_FILE, default `<data-dir>/master.key`). */
  readonly masterKeyFile: string;
  /** STRONGROOM_MASTER_KEY is set. */
  readonly masterKeyConfigured: boolean;
  readonly keyring: 'auto' | 'sealed';
  readonly keyringFile: string;
  readonly tlsKeyPath: string | null;
  /** The SQLite file, null on PostgreSQL. */
  readonly sqlitePath: string | null;
}

/** Inspects the data directory; findings go to `add` (located at the file concerned). */
export async function checkDataDir(
  settings: DataDirSettings,
  add: (file: string) => AddFinding,
): Promise<Record<string, number>> {
  if (!fs.existsSync(settings.dataDir)) throw new CheckInputError(`no data directory at ${settings.dataDir}`);
  const developmentKey = path.join(settings.dataDir, DEVELOPMENT_KEY_FILE);
  const usesKeyFile = settings.keyring === 'auto' && !settings.masterKeyConfigured;
  const files = watchedFiles({
    dataDir: settings.dataDir,
    sqlitePath: settings.sqlitePath,
    masterKeyFile: usesKeyFile ? settings.masterKeyFile : null,
    keyringFile: settings.keyring === 'sealed' ? settings.keyringFile : null,
    tlsKeyPath: settings.tlsKeyPath,
    initialPasswordFile: path.join(settings.dataDir, INITIAL_PASSWORD_FILE),
  });
  if (!usesKeyFile || path.resolve(settings.masterKeyFile) !== path.resolve(developmentKey))
    files.push({ name: 'master_key', path: developmentKey });
  files.push(...(await backupLeftovers(settings.dataDir)));
  const found = await filePosture(files);
  const configuredIsDevelopment = path.resolve(settings.masterKeyFile) === path.resolve(developmentKey);
  if (usesKeyFile && !configuredIsDevelopment && isInsideDirectory(settings.masterKeyFile, settings.dataDir))
    add(settings.masterKeyFile)(
      R.rootKeyInDataDir,
      'the configured root key file lies inside the data directory',
    );
  for (const file of found) {
    if (!file.exists) continue;
    if (file.name === 'initial_password')
      add(file.path)(R.initialPasswordFile, 'the initial admin password file exists');
    if (file.name === 'master_key' && path.resolve(file.path) === path.resolve(developmentKey)) {
      if (usesKeyFile && configuredIsDevelopment)
        add(file.path)(R.rootKeyDevelopment, 'the configured root key is the development key file');
      else add(file.path)(R.developmentKeyLeft, 'a development key file is present but not configured');
    }
  }
  fileFindings(
    found,
    (rule, message, pointer) => add(pointer ?? settings.dataDir)(rule, message),
    (i) => found[i]?.path ?? '',
  );
  return { files: found.filter((file) => file.exists).length };
}
