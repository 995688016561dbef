/**
 * A real Strongroom for the console's browser tests: the built `strongroom serve` (test/cli/cli-harness.ts), over
 * its own TLS certificate, with the initial `admin` and its one-time password, serving the console at /console/.
 * Also the SPKI pin of that server certificate, which the browser is told to accept (test/helpers/console-browser.ts).
 */
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type CliServer, type CliServerOptions, startCliServer } from '../cli/cli-harness.js';

export interface ConsoleServer extends CliServer {
  /** https://…/console/ */
  consoleUrl: string;
  /** base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (the form Chromium's SPKI list takes). */
  certificateSpki: string;
}

/** The base64 SHA-256 of a PEM certificate's SubjectPublicKeyInfo (DER). */
export function spkiHash(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Starts the server (with more STRONGROOM_* settings in `serverEnv`); the caller closes it. */
export async function startConsoleServer(
  options: Pick<CliServerOptions, 'serverEnv'> = {},
): Promise<ConsoleServer> {
  const server = await startCliServer(options);
  const certificatePem = fs.readFileSync(path.join(server.dataDir, 'tls', 'server.pem'), 'utf8');
  const ca = new X509Certificate(fs.readFileSync(server.caFile, 'utf8'));
  // The pin below stands in for the CA: make sure the certificate pinned is the one this test's CA issued.
  if (!new X509Certificate(certificatePem).verify(ca.publicKey)) {
    await server.close();
    throw new Error('the server certificate is not signed by the data directory CA');
  }
  return { ...server, consoleUrl: `${server.url}/console/`, certificateSpki: spkiHash(certificatePem) };
}
