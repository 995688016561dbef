/**
 * Local development certificates: a private CA and a server certificate it signs, kept in one directory.
 *
 * Files: `ca.pem` (0644), `ca-key.pem` (0600), `server.pem` (0644, leaf only), `server-key.pem` (0600); keys are
 * PKCS#8 PEM; the directory is created with mode 0700.
 * Invariants:
 * - existing files are reused only if they form a consistent set: the CA is a CA, its key matches it, the
 *   server certificate is signed by it, its key matches it, it covers every requested host and stays valid for
 *   more than 30 days; otherwise the server certificate (and, if the CA itself is unusable, the CA) is re-issued;
 * - every file is replaced atomically with its final mode (see `writeFileAtomic`), keys before certificates, so a
 *   crash leaves at worst a mismatched pair, which the next run detects and repairs;
 * - key material is never logged, returned or put in an error message: only paths leave this module.
 * Not addressed: other local users able to read the directory (file modes are the only protection), and
 * concurrent calls on the same directory (run it once, at start-up).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { createDevCa, issueServerCertificate, type PemPair } from './certificate-issuer.js';
import { DEFAULT_DEV_HOSTS, parseSanHosts, type SanHosts } from './san-hosts.js';

/** Re-issue a certificate that expires within this many days. */
export const RENEW_BEFORE_DAYS = 30;

const DAY_MS = 86_400_000;
const PUBLIC_MODE = 0o644;
const PRIVATE_MODE = 0o600;

export interface DevCertificateOptions {
  /** DNS names and IP addresses the server certificate must cover; default `localhost`, `127.0.0.1`, `::1`. */
  readonly hosts?: readonly string[];
  /** Clock, injectable for tests. */
  readonly now?: () => Date;
  /**
   * The CA's common name; default the local development CA's, by which production mode and `check deployment`
   * recognise a development certificate anywhere. Tests that stand in for an operator's own CA pass another.
   */
  readonly caName?: string;
}

export interface DevCertificateFiles {
  readonly caCertPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** True when any file was (re)written. */
  readonly created: boolean;
}

interface Parsed {
  readonly pem: PemPair;
  readonly cert: X509Certificate;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('CONFIG_TLS_FILE_UNREADABLE', {
      field: 'dataDir',
      message: `Cannot read development TLS file ${path}`,
      cause: error,
    });
  }
}

/** Parses a certificate and its key; undefined if either is missing, malformed or they do not match. */
async function readPair(certPath: string, keyPath: string): Promise<Parsed | undefined> {
  const [certPem, keyPem] = await Promise.all([readOptional(certPath), readOptional(keyPath)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    return cert.checkPrivateKey(createPrivateKey(keyPem)) ? { pem: { certPem, keyPem }, cert } : undefined;
  } catch {
    return undefined;
  }
}

function isCurrent(cert: X509Certificate, now: Date): boolean {
  const validFrom = Date.parse(cert.validFrom);
  const validTo = Date.parse(cert.validTo);
  return validFrom <= now.getTime() && validTo - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS;
}

function covers(cert: X509Certificate, hosts: SanHosts): boolean {
  return (
    hosts.dns.every((name) => cert.checkHost(name, { subject: 'never', wildcards: false }) !== undefined) &&
    hosts.ips.every((ip) => cert.checkIP(ip) !== undefined)
  );
}

function isUsableServer(server: Parsed, ca: Parsed, hosts: SanHosts, now: Date): boolean {
  return (
    !server.cert.ca &&
    server.cert.checkIssued(ca.cert) &&
    server.cert.verify(ca.cert.publicKey) &&
    isCurrent(server.cert, now) &&
    covers(server.cert, hosts)
  );
}

async function writePair(pair: PemPair, certPath: string, keyPath: string): Promise<void> {
  await writeFileAtomic(keyPath, pair.keyPem, PRIVATE_MODE);
  await writeFileAtomic(certPath, pair.certPem, PUBLIC_MODE);
}

async function restrictKeyMode(path: string): Promise<void> {
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0) await chmod(path, PRIVATE_MODE);
}

/** Creates (or repairs, or renews) the development CA and server certificate in `dir`; returns their paths. */
export async function ensureDevCertificates(
  dir: string,
  options: DevCertificateOptions = {},
): Promise<DevCertificateFiles> {
  const hosts = parseSanHosts(options.hosts ?? DEFAULT_DEV_HOSTS);
  const now = options.now?.() ?? new Date();
  const caCertPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server-key.pem');
  await mkdir(dir, { recursive: true, mode: 0o700 });

  let ca = await readPair(caCertPath, caKeyPath);
  let created = false;
  if (ca === undefined || !ca.cert.ca || !ca.cert.verify(ca.cert.publicKey) || !isCurrent(ca.cert, now)) {
    const pem = await createDevCa(now, options.caName);
    await writePair(pem, caCertPath, caKeyPath);
    ca = { pem, cert: new X509Certificate(pem.certPem) };
    created = true;
  }
  const server = created ? undefined : await readPair(certPath, keyPath);
  if (server === undefined || !isUsableServer(server, ca, hosts, now)) {
    await writePair(await issueServerCertificate(ca.pem, hosts, now), certPath, keyPath);
    created = true;
  }
  // Files copied or restored with looser modes are tightened; a key must never stay readable by others.
  await Promise.all([restrictKeyMode(caKeyPath), restrictKeyMode(keyPath)]);
  return { caCertPath, certPath, keyPath, created };
}
