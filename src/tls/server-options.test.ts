import { KeyObject, webcrypto } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionOptions, connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevCertificates } from './dev-certificates.js';
import { createTlsServerOptions, loadTlsFiles } from './server-options.js';
import { loadX509 } from './x509-runtime.js';

const AEAD = /GCM|CHACHA20.POLY1305/;

let dir: string;
let ca: Buffer;
let ecServer: Server;
let rsaServer: Server;

async function listen(server: Server): Promise<Server> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** The error `promise` rejects with; fails the test if it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: Error) => error,
  );
}

/** Handshakes with `server`; resolves with what was negotiated or rejects with the TLS error. */
function handshake(
  server: Server,
  options: ConnectionOptions,
): Promise<{ protocol: string; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: portOf(server), servername: 'localhost', ...options });
    socket.once('secureConnect', () => {
      resolve({ protocol: socket.getProtocol() ?? '', cipher: socket.getCipher().name });
      socket.end();
    });
    socket.once('error', reject);
  });
}

/** A self-signed RSA-2048 certificate, so suites with RSA key exchange can be offered to a matching key. */
async function createRsaCertificate(): Promise<{ cert: string; key: string }> {
  const x509 = await loadX509();
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
  };
  const keys = await webcrypto.subtle.generateKey({ ...algorithm, hash: 'SHA-256' }, true, [
    'sign',
    'verify',
  ]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: [{ CN: ['localhost'] }], keys });
  const key = KeyObject.from(keys.privateKey).export({ format: 'pem', type: 'pkcs8' }).toString();
  return { cert: cert.toString('pem'), key };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strongroom-tls-'));
  const paths = await ensureDevCertificates(join(dir, 'certs'));
  ca = await readFile(paths.caCertPath);
  const files = await loadTlsFiles(paths.certPath, paths.keyPath);
  ecServer = await listen(createServer({ ...createTlsServerOptions(files) }, (_req, res) => res.end('ok')));
  // An RSA certificate too, so suites with static-RSA key exchange are refused by policy, not by key type.
  rsaServer = await listen(createServer(createTlsServerOptions(await createRsaCertificate())));
});

afterAll(async () => {
  ecServer?.close();
  rsaServer?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createTlsServerOptions', () => {
  it('sets TLS 1.2 as the minimum and offers only forward-secret AEAD suites, in server order', () => {
    const options = createTlsServerOptions({ cert: 'c', key: 'k' });
    expect(options).toMatchObject({ cert: 'c', key: 'k', minVersion: 'TLSv1.2', honorCipherOrder: true });
    expect(options.ecdhCurve).toBe('X25519:P-256:P-384');
    const suites = String(options.ciphers).split(':');
    const tls13 = suites.filter((suite) => suite.startsWith('TLS_'));
    const tls12 = suites.filter((suite) => !suite.startsWith('TLS_'));
    expect(tls13.sort()).toEqual([
      'TLS_AES_128_GCM_SHA256',
      'TLS_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
    ]);
    expect(tls12.length).toBeGreaterThan(0);
    for (const suite of tls12)
      expect(suite).toMatch(/^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });

  it('accepts a client that trusts the development CA, with TLS 1.2+ and an AEAD suite', async () => {
    const result = await handshake(ecServer, { ca });
    expect(['TLSv1.3', 'TLSv1.2']).toContain(result.protocol);
    expect(result.cipher).toMatch(AEAD);
  });

  it('negotiates an ECDHE AEAD suite with a TLS 1.2 client', async () => {
    const ecdsa = await handshake(ecServer, { ca, maxVersion: 'TLSv1.2' });
    expect(ecdsa).toEqual({ protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
    const rsa = await handshake(rsaServer, { rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
    expect(rsa).toEqual({ protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
  });

  it('refuses TLS 1.1 and older', async () => {
    // SECLEVEL=0 lets the client offer TLS 1.0/1.1, so the refusal comes from the server.
    const legacy = {
      ca,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    } as const;
    await expect(handshake(ecServer, legacy)).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    });
  });

  it('refuses TLS 1.2 suites without forward secrecy (static RSA key exchange)', async () => {
    const ciphers = 'AES128-SHA256:AES256-SHA256:AES128-GCM-SHA256';
    for (const server of [ecServer, rsaServer]) {
      await expect(
        handshake(server, { rejectUnauthorized: false, maxVersion: 'TLSv1.2', ciphers }),
      ).rejects.toMatchObject({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
    }
  });

  it('refuses TLS 1.2 CBC suites even with ECDHE', async () => {
    await expect(
      handshake(ecServer, { ca, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256' }),
    ).rejects.toMatchObject({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
    await expect(
      handshake(rsaServer, {
        rejectUnauthorized: false,
        maxVersion: 'TLSv1.2',
        ciphers: 'ECDHE-RSA-AES128-SHA',
      }),
    ).rejects.toMatchObject({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
  });

  it('is rejected by a client that does not trust the development CA', async () => {
    await expect(handshake(ecServer, {})).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('is rejected for a host name the certificate does not cover', async () => {
    await expect(handshake(ecServer, { ca, servername: 'example.com' })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});

describe('loadTlsFiles', () => {
  it('returns the certificate and key when they match', async () => {
    const paths = await ensureDevCertificates(join(dir, 'certs'));
    const files = await loadTlsFiles(paths.certPath, paths.keyPath);
    expect(files.cert.equals(await readFile(paths.certPath))).toBe(true);
    expect(files.key.equals(await readFile(paths.keyPath))).toBe(true);
  });

  it('names both paths, and no PEM content, when the key does not match the certificate', async () => {
    const paths = await ensureDevCertificates(join(dir, 'certs'));
    const caKeyPath = join(dir, 'certs', 'ca-key.pem');
    const error = await failureOf(loadTlsFiles(paths.certPath, caKeyPath));
    expect(error).toMatchObject({ code: 'CONFIG_TLS_FILE_INVALID', field: 'tlsKey' });
    // Naming both files is the behaviour under test.
    expect(error.message).toContain(paths.certPath);
    expect(error.message).toContain(caKeyPath);
    expect(error.message).not.toMatch(/-----BEGIN|PRIVATE KEY|CERTIFICATE-----/);
    const keyBody = (await readFile(caKeyPath, 'utf8')).split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(0);
    expect(String(error.stack)).not.toContain(keyBody);
  });

  it('names the setting of a missing file', async () => {
    const paths = await ensureDevCertificates(join(dir, 'certs'));
    const missing = join(dir, 'nope.pem');
    await expect(loadTlsFiles(missing, paths.keyPath)).rejects.toMatchObject({
      code: 'CONFIG_TLS_FILE_UNREADABLE',
      field: 'tlsCert',
    });
    await expect(loadTlsFiles(paths.certPath, missing)).rejects.toMatchObject({
      code: 'CONFIG_TLS_FILE_UNREADABLE',
      field: 'tlsKey',
    });
  });

  it('names the path of a file that is not a certificate or not a key, without its content', async () => {
    const paths = await ensureDevCertificates(join(dir, 'certs'));
    const junk = join(dir, 'junk.pem');
    const canary = 'CANARY-5d41402abc4b2a76';
    await writeFile(junk, `-----BEGIN PRIVATE KEY-----\n${canary}\n-----END PRIVATE KEY-----\n`);
    const asCert = await failureOf(loadTlsFiles(junk, paths.keyPath));
    const asKey = await failureOf(loadTlsFiles(paths.certPath, junk));
    expect(asCert).toMatchObject({ code: 'CONFIG_TLS_FILE_INVALID', field: 'tlsCert' });
    expect(asKey).toMatchObject({ code: 'CONFIG_TLS_FILE_INVALID', field: 'tlsKey' });
    for (const error of [asCert, asKey]) {
      expect(error.message).toContain(junk);
      expect(error.message).not.toContain(canary);
      expect(error.cause).toBeUndefined();
    }
  });
});
