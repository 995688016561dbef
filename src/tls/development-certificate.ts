/**
 * Tells whether a certificate is one of Strongroom's generated development certificates, wherever it was copied
 * to: it lies under a data directory's `tls/` folder, or its issuer is a local development CA (by the CA's fixed
 * common name). Threat: production mode and `check deployment` compared paths only, so a development certificate
 * (its CA key sits in some data directory) copied elsewhere passed as the operator's own.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CA_COMMON_NAME } from './certificate-issuer.js';

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The real path of `file` (symbolic links resolved), or its absolute path when it does not exist. */
export function realPathOf(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** True when `file` (links resolved) lies inside `dir` (links resolved). */
export function isInsideDirectory(file: string, dir: string): boolean {
  return isInside(realPathOf(file), realPathOf(dir));
}

/** True when the PEM certificate at `certPath` is a generated development one; null path = the generated one. */
export function isDevelopmentCertificate(certPath: string | null, dataDir: string): boolean {
  if (certPath === null) return true;
  if (isInsideDirectory(certPath, path.join(dataDir, 'tls'))) return true;
  try {
    const [first] = fs.readFileSync(certPath, 'utf8').split(/(?<=-----END CERTIFICATE-----)/);
    const issuer = new X509Certificate(first ?? '').issuer;
    return issuer.split('\n').some((part) => part === `CN=${CA_COMMON_NAME}`);
  } catch {
    // An unreadable certificate cannot be served either: the server's start reports it.
    return false;
  }
}
