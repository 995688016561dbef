/**
 * TLS settings for the HTTPS server and loading of its certificate and key.
 *
 * Invariants:
 * - TLS 1.2 is the minimum; TLS 1.0/1.1 and SSLv3 handshakes are refused;
 * - every cipher suite offered is AEAD with forward secrecy: TLS 1.3 suites, and for TLS 1.2 only ECDHE key
 *   exchange with AES-GCM or ChaCha20-Poly1305 (no static-RSA key exchange, no CBC, no SHA-1 MAC, no DHE);
 * - the server's preference order wins; renegotiation is refused;
 * - errors about certificate or key files name the path, never the file content.
 * Threats addressed: protocol downgrade, passive decryption after a key leak (forward secrecy), padding-oracle
 * attacks on CBC suites, serving a certificate with the wrong key (fails at start-up, not at first handshake).
 * Not addressed: certificate expiry or revocation checking, and the key file's permissions (the operator's job).
 */
import { constants, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ServerOptions } from 'node:https';
import { AppError } from '../errors.js';

/** TLS 1.3 suites (OpenSSL's default set, all AEAD with ephemeral key exchange). */
const TLS13_CIPHER_SUITES = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
];

/** TLS 1.2 suites: ECDHE (forward secrecy) + AEAD only, in Mozilla's "intermediate" order. */
const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Returns the HTTPS server options: the given certificate and key with Strongroom's TLS policy. */
export function createTlsServerOptions(input: {
  cert: string | Buffer;
  key: string | Buffer;
}): ServerOptions {
  return {
    cert: input.cert,
    key: input.key,
    minVersion: 'TLSv1.2',
    ciphers: [...TLS13_CIPHER_SUITES, ...TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
    ecdhCurve: 'X25519:P-256:P-384',
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
  };
}

async function readTlsFile(path: string, what: string, setting: 'tlsCert' | 'tlsKey'): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new AppError('CONFIG_TLS_FILE_UNREADABLE', {
      field: setting,
      message: `Cannot read the TLS ${what} file ${path} (${code})`,
      cause: error,
    });
  }
}

function isKeyOf(certificate: X509Certificate, privateKey: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(privateKey);
  } catch {
    return false; // e.g. an RSA key for an EC certificate
  }
}

/**
 * Reads the certificate and key files and checks that the key belongs to the certificate. Throws
 * CONFIG_TLS_FILE_UNREADABLE or CONFIG_TLS_FILE_INVALID, whose field is the setting to fix (`tlsCert`, `tlsKey`).
 */
export async function loadTlsFiles(certPath: string, keyPath: string): Promise<TlsFiles> {
  const cert = await readTlsFile(certPath, 'certificate', 'tlsCert');
  const key = await readTlsFile(keyPath, 'private key', 'tlsKey');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new AppError('CONFIG_TLS_FILE_INVALID', {
      field: 'tlsCert',
      message: `The TLS certificate file ${certPath} does not contain a valid certificate`,
    });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // No cause: a parser error must not carry any part of the key along.
    throw new AppError('CONFIG_TLS_FILE_INVALID', {
      field: 'tlsKey',
      message: `The TLS private key file ${keyPath} does not contain a valid, unencrypted private key`,
    });
  }
  if (!isKeyOf(certificate, privateKey)) {
    throw new AppError('CONFIG_TLS_FILE_INVALID', {
      field: 'tlsKey',
      message: `The TLS private key file ${keyPath} does not match the certificate file ${certPath}`,
    });
  }
  return { cert, key };
}
