/**
 * The last audit checkpoint `check deployment` verified, per server, in `<config-dir>/audit-verified.json` (0600 in
 * the 0700 config directory, beside the session file), so the next run verifies only what came after. It holds
 * public values only: a seq, a chain hash and the checkpoint signing key that run verified with (kid and Ed25519
 * `x`), pinned so a later run notices a key it did not verify before.
 * Invariants: the file is read and written as the session file is (private-file.ts): another user's file, or one
 * group or others may read or write, is refused (SESSION_FILE_UNSAFE), not used; the write goes to a temporary
 * file created exclusively (a planted symlink is removed, never followed), fsynced, then renamed. A file of the
 * wrong shape, or an entry of the wrong shape, is ignored: that server's next run verifies from the start.
 * Threats addressed: a server that rewrites history between runs (the mark must still be signed with its hash);
 * a server whose checkpoints are re-signed with another key (the pinned key); another local user planting or
 * loosening the file. Not addressed: the user who owns the file can edit it (the file is theirs).
 */
import path from 'node:path';
import type { SigningKeyPin, VerifiedMark } from '../../check/deployment/index.js';
import { readPrivateFile, writePrivateFile } from '../private-file.js';

const FILE_NAME = 'audit-verified.json';
const HASH = /^[0-9a-f]{64}$/;
/** A base64url SHA-256 thumbprint or Ed25519 public key: 32 bytes, 43 characters. */
const KEY_PART = /^[A-Za-z0-9_-]{43}$/;
const REMEDY = 'delete it (the next run then verifies the audit chain from the start)';

function readAll(configDir: string): Record<string, unknown> {
  const text = readPrivateFile(path.join(configDir, FILE_NAME), REMEDY);
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * The entry a server's mark is kept under: its origin (scheme, lower-case host, port without the default), so
 * `https://Host:443/`, `https://host` and `https://host/v1` share one mark and a respelled URL cannot start a fresh
 * one that trusts a new signing key on first use. Different host names of one server still keep marks apart.
 */
export function markEntryOf(server: string): string {
  try {
    return new URL(server).origin;
  } catch {
    return server;
  }
}

function keyOf(value: unknown): SigningKeyPin | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kid, x } = value as Record<string, unknown>;
  return typeof kid === 'string' && typeof x === 'string' && KEY_PART.test(kid) && KEY_PART.test(x)
    ? { kid, x }
    : null;
}

/** The mark kept for `server`, or null. A mark kept before keys were pinned has no `key`. */
export function readVerifiedMark(configDir: string, server: string): VerifiedMark | null {
  const mark = readAll(configDir)[markEntryOf(server)];
  if (typeof mark !== 'object' || mark === null) return null;
  const { seq, hash, key } = mark as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof hash !== 'string' || !HASH.test(hash)) return null;
  if (key === undefined) return { seq, hash };
  const pinned = keyOf(key);
  return pinned === null ? null : { seq, hash, key: pinned };
}

/** Keeps `mark` for `server` (written to an exclusive temporary file, fsynced, then renamed). */
export async function writeVerifiedMark(
  configDir: string,
  server: string,
  mark: VerifiedMark,
): Promise<void> {
  const entry = {
    seq: mark.seq,
    hash: mark.hash,
    ...(mark.key === undefined ? {} : { key: { kid: mark.key.kid, x: mark.key.x } }),
  };
  const all = { ...readAll(configDir), [markEntryOf(server)]: entry };
  writePrivateFile(configDir, path.join(configDir, FILE_NAME), `${JSON.stringify(all, null, 2)}\n`);
}
