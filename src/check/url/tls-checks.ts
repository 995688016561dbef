/**
 * The TLS half of `check url`: protocol versions, non-AEAD suites and the certificate, from real handshakes.
 * Returns whether the server was authenticated (trusted chain, host name covered), which decides whether the
 * HTTP half may send it a credential at all.
 */
import tls from 'node:tls';
import { CheckInputError } from '../check-error.js';
import type { Finding } from '../finding.js';
import {
  handshake,
  LEGACY_VERSIONS,
  MODERN_VERSIONS,
  offerable,
  probeNonAead,
  probeVersion,
  type Target,
} from './tls-probe.js';
import { URL_RULES } from './url-rules.js';

const DAY_MS = 86_400_000;
const EXPIRY_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export interface TlsOutcome {
  readonly authenticated: boolean;
  readonly scanned: Record<string, number>;
}

type Add = (rule: (typeof URL_RULES)[keyof typeof URL_RULES], message: string) => void;

export function findingAdder(file: string, add: (finding: Finding) => void): Add {
  return (rule, message) => add({ ruleId: rule.id, severity: rule.severity, message, location: { file } });
}

async function checkVersions(target: Target, add: Add, scanned: Record<string, number>): Promise<void> {
  for (const version of LEGACY_VERSIONS) {
    if (!offerable(version)) {
      // This Node's OpenSSL cannot offer it: say so rather than report a refusal that was never tested.
      scanned[`${version} not testable here`] = 1;
      continue;
    }
    const accepted = (await probeVersion(target, version)) !== null;
    scanned.handshakes = (scanned.handshakes ?? 0) + 1;
    scanned[`${version} accepted`] = accepted ? 1 : 0;
    if (accepted) add(URL_RULES.legacyTls, `the server completes a ${version} handshake`);
  }
  let modern = 0;
  for (const version of MODERN_VERSIONS) {
    const accepted = (await probeVersion(target, version)) !== null;
    scanned.handshakes = (scanned.handshakes ?? 0) + 1;
    scanned[`${version} accepted`] = accepted ? 1 : 0;
    if (accepted) modern++;
  }
  if (modern === 0) add(URL_RULES.noModernTls, 'no TLS 1.2 or TLS 1.3 handshake completed');
  const nonAead = await probeNonAead(target);
  scanned.handshakes = (scanned.handshakes ?? 0) + 1;
  if (nonAead !== null) {
    add(
      URL_RULES.nonAeadCipher,
      `a client offering only non-AEAD suites got ${nonAead.cipher} over ${nonAead.protocol ?? 'TLS'}`,
    );
  }
}

function checkCertificate(
  host: string,
  certificate: tls.PeerCertificate,
  authorizationError: string | undefined,
  options: { expiryDays: number; now: number },
  add: Add,
): boolean {
  let trusted = authorizationError === undefined;
  if (authorizationError !== undefined && !EXPIRY_ERRORS.has(authorizationError)) {
    add(URL_RULES.untrusted, `the chain does not verify: ${authorizationError}`);
  }
  const notAfter = Date.parse(certificate.valid_to);
  const notBefore = Date.parse(certificate.valid_from);
  if (!(options.now >= notBefore && options.now <= notAfter)) {
    trusted = false;
    add(URL_RULES.expired, `valid from ${certificate.valid_from} to ${certificate.valid_to}`);
  } else if (notAfter - options.now < options.expiryDays * DAY_MS) {
    const days = Math.floor((notAfter - options.now) / DAY_MS);
    add(
      URL_RULES.expiring,
      `expires in ${days} days (${certificate.valid_to}), within ${options.expiryDays}`,
    );
  }
  const mismatch = tls.checkServerIdentity(host, certificate);
  if (mismatch !== undefined) {
    trusted = false;
    add(URL_RULES.hostnameMismatch, `the certificate does not cover ${host}`);
  }
  return trusted;
}

export async function checkTls(
  target: Target,
  options: { expiryDays: number; now: number },
  add: Add,
): Promise<TlsOutcome> {
  const scanned: Record<string, number> = { handshakes: 1 };
  const first = await handshake(target, {});
  if (first === null) throw new CheckInputError(`no TLS handshake with ${target.host}:${target.port}`);
  const authenticated = checkCertificate(
    target.host,
    first.certificate,
    first.authorizationError,
    options,
    add,
  );
  await checkVersions(target, add, scanned);
  return { authenticated: authenticated && first.authorized, scanned };
}
