/**
 * Real TLS handshakes against one host and port, each forcing what the client offers (one protocol version, or
 * only non-AEAD suites), so what the server accepts is observed rather than guessed from a banner.
 * Invariants: every probe connects to the given host only, sends no application data and closes right after the
 * handshake; a probe that neither completes nor fails within the timeout counts as refused.
 * The client lowers OpenSSL's security level (`@SECLEVEL=0`) for legacy probes so that TLS 1.0/1.1 and SHA-1
 * suites are offered at all; whether the local OpenSSL still could is reported, not assumed (`offerable`).
 */
import net from 'node:net';
import tls from 'node:tls';

export const LEGACY_VERSIONS = ['TLSv1', 'TLSv1.1'] as const;
export const MODERN_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
export type ProbedVersion = (typeof LEGACY_VERSIONS)[number] | (typeof MODERN_VERSIONS)[number];

/** Every TLS 1.2-and-older suite that is not AEAD (CBC, Camellia, …): a server must refuse a client offering only these. */
export const NON_AEAD_CIPHERS = 'ALL:!AESGCM:!AESCCM:!CHACHA20:!ARIAGCM:!eNULL:!aNULL:@SECLEVEL=0';

export interface Target {
  readonly host: string;
  readonly port: number;
  readonly ca?: Buffer;
  readonly timeoutMs: number;
}

export interface Handshake {
  readonly protocol: string | null;
  readonly cipher: string;
  readonly authorized: boolean;
  readonly authorizationError?: string;
  readonly certificate: tls.PeerCertificate;
}

/** A TLS SNI name: none for an IP address (RFC 6066 forbids it). */
export function serverName(host: string): string | undefined {
  return net.isIP(host) === 0 ? host : undefined;
}

/** One handshake; resolves the outcome, or null when the server refused it (alert, reset, timeout). */
export function handshake(target: Target, offer: tls.ConnectionOptions): Promise<Handshake | null> {
  return new Promise((resolve) => {
    const name = serverName(target.host);
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      ...(name === undefined ? {} : { servername: name }),
      ...(target.ca === undefined ? {} : { ca: target.ca }),
      // Trust is judged from `authorized`, so an untrusted server is still probed (and reported).
      rejectUnauthorized: false,
      // No hostname check here: checkServerIdentity is run by the caller on the certificate.
      checkServerIdentity: () => undefined,
      ...offer,
    });
    const done = (result: Handshake | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(null), target.timeoutMs);
    socket.once('secureConnect', () => {
      const error = socket.authorizationError;
      done({
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().name,
        authorized: socket.authorized,
        ...(error === undefined || error === null ? {} : { authorizationError: String(error) }),
        certificate: socket.getPeerCertificate(),
      });
    });
    socket.once('error', () => done(null));
  });
}

/** Whether this Node's OpenSSL lets a client offer `version` at all (some builds compile TLS 1.0/1.1 out). */
export function offerable(version: ProbedVersion): boolean {
  try {
    tls.createSecureContext({ minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });
    return true;
  } catch {
    return false;
  }
}

/** A handshake offering exactly `version`. */
export function probeVersion(target: Target, version: ProbedVersion): Promise<Handshake | null> {
  const legacy = (LEGACY_VERSIONS as readonly string[]).includes(version);
  return handshake(target, {
    minVersion: version,
    maxVersion: version,
    ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
  });
}

/** A TLS 1.2-or-older handshake offering only non-AEAD suites (TLS 1.3 suites are all AEAD). */
export function probeNonAead(target: Target): Promise<Handshake | null> {
  return handshake(target, { minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: NON_AEAD_CIPHERS });
}
