import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CA_COMMON_NAME } from './certificate-issuer.js';
import { ensureDevCertificates } from './dev-certificates.js';
import { loadX509 } from './x509-runtime.js';

const DAY_MS = 86_400_000;
// X.509 times have one-second precision.
const start = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (days: number) => () => new Date(start.getTime() + days * DAY_MS);

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'strongroom-tls-'));
  dir = join(root, 'certs');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function readCert(path: string): Promise<X509Certificate> {
  return new X509Certificate(await readFile(path));
}

async function snapshot(): Promise<Record<string, string>> {
  const names = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem'];
  const contents = await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
  return Object.fromEntries(names.map((name, i) => [name, contents[i] ?? '']));
}

describe('ensureDevCertificates', () => {
  it('creates a CA that verifies a server certificate for the default hosts', async () => {
    const result = await ensureDevCertificates(dir, { now: at(0) });
    expect(result).toEqual({
      caCertPath: join(dir, 'ca.pem'),
      certPath: join(dir, 'server.pem'),
      keyPath: join(dir, 'server-key.pem'),
      created: true,
    });
    const ca = await readCert(result.caCertPath);
    const leaf = await readCert(result.certPath);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)).toBe(397 * DAY_MS);
    expect(leaf.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });

  it('sets the expected extensions on the CA and the server certificate', async () => {
    const result = await ensureDevCertificates(dir, { now: at(0) });
    const x509 = await loadX509();
    const ca = new x509.X509Certificate(await readFile(result.caCertPath, 'utf8'));
    const leaf = new x509.X509Certificate(await readFile(result.certPath, 'utf8'));
    expect(ca.subject).toBe(`CN=${CA_COMMON_NAME}`);
    expect(ca.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(ca.notAfter.getUTCFullYear() - ca.notBefore.getUTCFullYear()).toBe(10);
    const caConstraints = ca.getExtension(x509.BasicConstraintsExtension);
    expect(caConstraints).toMatchObject({ ca: true, pathLength: 0, critical: true });
    const caUsage = ca.getExtension(x509.KeyUsagesExtension);
    expect(caUsage).toMatchObject({
      usages: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
      critical: true,
    });
    const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(caKeyId).toMatch(/^[0-9a-f]+$/);

    expect(leaf.subject).toBe('CN=localhost');
    expect(leaf.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(leaf.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(leaf.getExtension(x509.KeyUsagesExtension)).toMatchObject({
      usages: x509.KeyUsageFlags.digitalSignature,
      critical: true,
    });
    expect(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
      x509.ExtendedKeyUsage.serverAuth,
    ]);
    expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
    const names = leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON();
    expect(names?.map((name) => name.type)).toEqual(['dns', 'ip', 'ip']);
  });

  it('writes keys as PKCS#8 with mode 0600, certificates 0644, in a 0700 directory', async () => {
    await ensureDevCertificates(dir, { now: at(0) });
    const mode = async (name: string) => (await stat(join(dir, name))).mode & 0o777;
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await mode('ca-key.pem')).toBe(0o600);
    expect(await mode('server-key.pem')).toBe(0o600);
    expect(await mode('ca.pem')).toBe(0o644);
    expect(await mode('server.pem')).toBe(0o644);
    const files = await snapshot();
    expect(files['ca-key.pem']).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(files['server-key.pem']).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect((await readdir(dir)).sort()).toEqual(['ca-key.pem', 'ca.pem', 'server-key.pem', 'server.pem']);
  });

  it('never returns key material', async () => {
    const result = await ensureDevCertificates(dir, { now: at(0) });
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY');
  });

  it('reuses valid files unchanged', async () => {
    await ensureDevCertificates(dir, { now: at(0) });
    const before = await snapshot();
    const again = await ensureDevCertificates(dir, { now: at(300) });
    expect(again.created).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it('re-issues only the server certificate when it nears expiry, with the same CA', async () => {
    await ensureDevCertificates(dir, { now: at(0) });
    const before = await snapshot();
    const renewed = await ensureDevCertificates(dir, { now: at(380) });
    const after = await snapshot();
    expect(renewed.created).toBe(true);
    expect(after['ca.pem']).toBe(before['ca.pem']);
    expect(after['ca-key.pem']).toBe(before['ca-key.pem']);
    expect(after['server.pem']).not.toBe(before['server.pem']);
    expect(after['server-key.pem']).not.toBe(before['server-key.pem']);
    const ca = await readCert(renewed.caCertPath);
    const leaf = await readCert(renewed.certPath);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(leaf.validFrom)).toBe(at(380)().getTime());
  });

  it('re-issues the server certificate when a requested host is missing', async () => {
    await ensureDevCertificates(dir, { now: at(0) });
    const before = await snapshot();
    const hosts = ['localhost', 'App.Test', '10.0.0.5', '[fd00::5]'];
    const result = await ensureDevCertificates(dir, { hosts, now: at(1) });
    expect(result.created).toBe(true);
    expect((await snapshot())['ca.pem']).toBe(before['ca.pem']);
    const leaf = await readCert(result.certPath);
    expect(leaf.checkHost('app.test')).toBe('app.test');
    expect(leaf.checkIP('10.0.0.5')).toBe('10.0.0.5');
    expect(leaf.checkIP('fd00::5')).toBe('fd00::5');
    expect(leaf.checkIP('127.0.0.1')).toBeUndefined();
    expect((await ensureDevCertificates(dir, { hosts, now: at(2) })).created).toBe(false);
  });

  it('uses a non-host common name when only IP addresses are requested', async () => {
    const result = await ensureDevCertificates(dir, { hosts: ['127.0.0.1'], now: at(0) });
    const leaf = await readCert(result.certPath);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBeUndefined();
  });

  it('re-issues a server certificate whose key does not match', async () => {
    await ensureDevCertificates(dir, { now: at(0) });
    const { 'ca-key.pem': caKey = '', 'ca.pem': caCert } = await snapshot();
    await writeFile(join(dir, 'server-key.pem'), caKey);
    const result = await ensureDevCertificates(dir, { now: at(1) });
    expect(result.created).toBe(true);
    expect((await snapshot())['ca.pem']).toBe(caCert);
    expect(
      (await readCert(result.certPath)).checkPrivateKey(createPrivateKey(await readFile(result.keyPath))),
    ).toBe(true);
  });

  it('creates a new CA when the CA key is missing', async () => {
    await ensureDevCertificates(dir, { now: at(0) });
    const before = await snapshot();
    await unlink(join(dir, 'ca-key.pem'));
    const result = await ensureDevCertificates(dir, { now: at(1) });
    expect(result.created).toBe(true);
    const after = await snapshot();
    expect(after['ca.pem']).not.toBe(before['ca.pem']);
    const leaf = await readCert(result.certPath);
    expect(leaf.verify((await readCert(result.caCertPath)).publicKey)).toBe(true);
  });

  it('tightens a key file that became readable by others', async () => {
    await ensureDevCertificates(dir, { now: at(0) });
    await chmod(join(dir, 'server-key.pem'), 0o644);
    expect((await ensureDevCertificates(dir, { now: at(1) })).created).toBe(false);
    expect((await stat(join(dir, 'server-key.pem'))).mode & 0o777).toBe(0o600);
  });

  it('rejects invalid hosts before touching the file system', async () => {
    await expect(ensureDevCertificates(dir, { hosts: ['bad host'] })).rejects.toMatchObject({
      code: 'TLS_HOSTS_INVALID',
    });
    await expect(ensureDevCertificates(dir, { hosts: [] })).rejects.toMatchObject({
      code: 'TLS_HOSTS_INVALID',
    });
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
