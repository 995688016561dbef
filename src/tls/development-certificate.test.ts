import { webcrypto, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevCertificates } from './dev-certificates.js';
import { isDevelopmentCertificate, isInsideDirectory } from './development-certificate.js';
import { loadX509 } from './x509-runtime.js';

describe('development certificate detection', () => {
  let dir: string;
  let dev: { certPath: string; caCertPath: string };
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-cert-'));
    dev = await ensureDevCertificates(path.join(dir, 'data', 'tls'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the generated certificate in place, and no certificate at all (the generated one is used)', () => {
    expect(isDevelopmentCertificate(dev.certPath, path.join(dir, 'data'))).toBe(true);
    expect(isDevelopmentCertificate(null, path.join(dir, 'data'))).toBe(true);
  });

  it('finds it copied anywhere, for any data directory, by its issuer', () => {
    const copy = path.join(dir, 'copied.pem');
    fs.copyFileSync(dev.certPath, copy);
    expect(isDevelopmentCertificate(copy, path.join(dir, 'another-data'))).toBe(true);
  });

  it('does not flag a certificate from another CA, nor an unreadable path', async () => {
    const x509 = await loadX509();
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
    const pem = (
      await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '01',
        name: [{ CN: ['Example Corp Issuing CA'] }],
        notBefore: new Date(),
        notAfter: new Date(Date.now() + 86_400_000),
        keys,
        signingAlgorithm: algorithm,
      })
    ).toString('pem');
    const other = path.join(dir, 'other.pem');
    fs.writeFileSync(other, pem);
    expect(new X509Certificate(pem).issuer).toBe('CN=Example Corp Issuing CA');
    expect(isDevelopmentCertificate(other, path.join(dir, 'data'))).toBe(false);
    expect(isDevelopmentCertificate(path.join(dir, 'missing.pem'), path.join(dir, 'data'))).toBe(false);
  });

  it('resolves links on both sides before deciding what lies inside a directory', () => {
    const data = path.join(dir, 'data');
    fs.writeFileSync(path.join(data, 'root.key'), 'x');
    const link = path.join(dir, 'root-link.key');
    fs.symlinkSync(path.join(data, 'root.key'), link);
    expect(isInsideDirectory(link, data)).toBe(true);
    expect(isInsideDirectory(path.join(dir, 'outside.key'), data)).toBe(false);
    expect(isInsideDirectory(data, data)).toBe(false);
    const dataLink = path.join(dir, 'data-link');
    fs.symlinkSync(data, dataLink);
    expect(isInsideDirectory(path.join(data, 'root.key'), dataLink)).toBe(true);
  });
});
