/**
 * `strongroom operator init` and `strongroom operator unseal`: creating a sealed keyring (the shares are printed
 * once, here, and stored nowhere) and submitting one share to a running server over verified TLS.
 * Invariants: a share is read from stdin only (never argv, which `ps` shows), sent over HTTPS only, with the
 * server certificate verified (the local CA by default, else the system trust store), and never printed by unseal.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { Config } from '../config.js';
import { initSealedKeyring } from '../crypto/index.js';
import { ensurePrivateDirectory } from '../setup/initialize.js';
import { readSecretLine } from './read-secret.js';

function parseCount(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,3}$/.test(value)) throw new Error(`--${name} must be a whole number between 2 and 255`);
  return Number(value);
}

/** Creates the keyring file and prints its shares once, with instructions. */
export async function operatorInit(
  config: Readonly<Config>,
  flags: { shares?: string; threshold?: string },
  print: (line: string) => void,
  warn: (line: string) => void,
): Promise<void> {
  const shares = parseCount(flags.shares, 'shares', 5);
  const threshold = parseCount(flags.threshold, 'threshold', 3);
  if (threshold < 2 || shares > 255 || threshold > shares) {
    throw new Error('need 2 <= --threshold <= --shares <= 255');
  }
  await ensurePrivateDirectory(config.dataDir);
  if (fs.existsSync(config.masterKeyFile)) {
    warn(
      `warning: ${config.masterKeyFile} exists: data already sealed under that master key cannot be opened with a new keyring`,
    );
  }
  const result = await initSealedKeyring(config.keyringFile, { shares, threshold });
  print(`Sealed keyring written to ${config.keyringFile} (any ${threshold} of ${shares} shares unseal it).`);
  print('');
  print(`IMPORTANT: the ${shares} key shares below are shown this once and stored nowhere else.`);
  print('Give each share to a different operator now, to keep offline (not in chat, email or a ticket).');
  print(
    `Any ${threshold} of them recover the root key and fewer reveal nothing; with fewer than ${threshold} left, the data is lost.`,
  );
  print('');
  for (const [i, share] of result.shares.entries()) print(`Share ${i + 1} of ${shares}: ${share}`);
  print('');
  print('Start the server with --keyring sealed (or STRONGROOM_KEYRING=sealed); it starts sealed.');
  print(`Then ${threshold} operators each run: strongroom operator unseal   (the share is read from stdin)`);
}

function defaultUrl(config: Readonly<Config>): string {
  const anyAddress = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  const host = anyAddress ? '127.0.0.1' : config.host;
  return `https://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

interface UnsealReply {
  status: number;
  body: {
    sealed?: boolean;
    threshold?: number;
    progress?: number;
    error?: { code: string; message: string };
  };
}

function postShare(url: URL, ca: Buffer | undefined, share: string): Promise<UnsealReply> {
  const payload = JSON.stringify({ share });
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'POST',
        ...(ca === undefined ? {} : { ca }),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: 30_000,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as UnsealReply['body'] });
          } catch {
            reject(new Error(`unexpected answer from ${url.origin} (HTTP ${response.statusCode})`));
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url.origin}`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** Reads one share from stdin and submits it; prints the progress. Throws on refusal (exit status 1). */
export async function operatorUnseal(
  config: Readonly<Config>,
  flags: { url?: string; ca?: string },
  print: (line: string) => void,
): Promise<void> {
  const base = new URL(flags.url ?? defaultUrl(config));
  if (base.protocol !== 'https:')
    throw new Error('--url must be an https:// URL: a share must not cross the network in clear');
  const defaultCa = path.join(config.dataDir, 'tls', 'ca.pem');
  const caFile = flags.ca ?? (fs.existsSync(defaultCa) ? defaultCa : undefined);
  const ca = caFile === undefined ? undefined : fs.readFileSync(caFile);
  const share = await readSecretLine('Key share (not echoed): ');
  const reply = await postShare(new URL('/v1/sys/unseal', base), ca, share);
  if (reply.status === 200 && typeof reply.body.sealed === 'boolean') {
    print(
      reply.body.sealed
        ? `Share accepted: ${reply.body.progress} of ${reply.body.threshold} shares; still sealed.`
        : 'Unsealed: the server is serving.',
    );
    return;
  }
  const error = reply.body.error;
  throw new Error(error === undefined ? `HTTP ${reply.status}` : `${error.code}: ${error.message}`);
}
