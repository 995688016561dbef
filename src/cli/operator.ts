/**
 * `strongroom operator init` and `strongroom operator unseal`: creating a sealed keyring (the shares are printed
 * once, here, and stored nowhere; never beside data sealed under another root key, see operator-migrate.ts) and
 * submitting one share to a running server over verified TLS.
 * Invariants: a share is read from stdin only (never argv, which `ps` shows), sent over HTTPS only, with the
 * server certificate verified (the local CA by default, else the system trust store), and never printed by unseal.
 */
import fs from 'node:fs';
import { type Config, configError } from '../config.js';
import { migrateAdvice } from '../core/root-key.js';
import { initSealedKeyring } from '../crypto/index.js';
import { ensurePrivateDirectory } from '../setup/initialize.js';
import { holdsSealedData } from '../setup/migrate-root-key.js';
import { requestJson, serverUrl, trustedCa } from './api-client.js';
import { readSecretLine } from './read-secret.js';

function parseCount(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,3}$/.test(value)) throw new Error(`--${name} must be a whole number between 2 and 255`);
  return Number(value);
}

/** `--shares` and `--threshold` (defaults 5 and 3), checked. */
export function parseSplit(flags: { shares?: string; threshold?: string }) {
  const shares = parseCount(flags.shares, 'shares', 5);
  const threshold = parseCount(flags.threshold, 'threshold', 3);
  if (threshold < 2 || shares > 255 || threshold > shares) {
    throw new Error('need 2 <= --threshold <= --shares <= 255');
  }
  return { shares, threshold };
}

/** Prints the shares, the only time they are shown, with what to do with them. */
export function printShares(
  list: readonly string[],
  split: { shares: number; threshold: number },
  print: (line: string) => void,
): void {
  const { shares, threshold } = split;
  print('');
  print(`IMPORTANT: the ${shares} key shares below are shown this once and stored nowhere else.`);
  print('Give each share to a different operator now, to keep offline (not in chat, email or a ticket).');
  print(
    `Any ${threshold} of them recover the root key and fewer reveal nothing; with fewer than ${threshold} left, the data is lost.`,
  );
  print('');
  for (const [i, share] of list.entries()) print(`Share ${i + 1} of ${shares}: ${share}`);
  print('');
}

/**
 * Creates the keyring file and prints its shares once, with instructions. Refuses a data directory whose database
 * already holds data sealed under another root key (a new keyring could not open it): `operator migrate` moves it.
 */
export async function operatorInit(
  config: Readonly<Config>,
  flags: { shares?: string; threshold?: string },
  print: (line: string) => void,
): Promise<void> {
  const split = parseSplit(flags);
  await ensurePrivateDirectory(config.dataDir);
  if (!fs.existsSync(config.keyringFile) && (await holdsSealedData(config))) {
    throw configError('CONFIG_CONFLICT', 'keyring', `operator init refused: ${migrateAdvice(config)}`);
  }
  const result = await initSealedKeyring(config.keyringFile, split);
  print(
    `Sealed keyring written to ${config.keyringFile} (any ${split.threshold} of ${split.shares} shares unseal it).`,
  );
  printShares(result.shares, split, print);
  print('Start the server with --keyring sealed (or STRONGROOM_KEYRING=sealed); it starts sealed.');
  print(
    `Then ${split.threshold} operators each run: strongroom operator unseal   (the share is read from stdin)`,
  );
}

interface UnsealReply {
  sealed?: boolean;
  threshold?: number;
  progress?: number;
  duplicate?: boolean;
  error?: { code: string; message: string };
}

/** The line `operator unseal` prints for a 200 answer. */
export function unsealProgress(body: UnsealReply): string {
  if (body.sealed === false) return 'Unsealed: the server is serving.';
  const progress = `${body.progress} of ${body.threshold} shares`;
  return body.duplicate === true
    ? `This share was already submitted and is not counted again: ${progress}; still sealed. The next share must come from another operator.`
    : `Share accepted: ${progress}; still sealed.`;
}

/** Reads one share from stdin and submits it; prints the progress. Throws on refusal (exit status 1). */
export async function operatorUnseal(
  config: Readonly<Config>,
  flags: { url?: string; ca?: string },
  print: (line: string) => void,
): Promise<void> {
  const base = serverUrl(config, flags.url, 'a share must not cross the network in clear');
  const ca = trustedCa(config, flags.ca);
  const share = await readSecretLine('Key share (not echoed): ');
  const reply = await requestJson(new URL('/v1/sys/unseal', base), { method: 'POST', ca, body: { share } });
  const body = reply.body as UnsealReply;
  if (reply.status === 200 && typeof body.sealed === 'boolean') {
    print(unsealProgress(body));
    return;
  }
  const error = body.error;
  throw new Error(error === undefined ? `HTTP ${reply.status}` : `${error.code}: ${error.message}`);
}
