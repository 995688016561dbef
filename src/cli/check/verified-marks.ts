/**
 * The last audit checkpoint `check deployment` verified, per server, in `<config-dir>/audit-verified.json` (0600,
 * beside the session file), so the next run verifies only what came after. It holds public values only (a seq and
 * a chain hash). A file that cannot be read or parsed is ignored: the next run then verifies from the start.
 * Threat addressed: a server that rewrites history between runs (the mark must still be signed with its hash).
 * Not addressed: a local user who edits this file can make a run start later (the file is theirs).
 */
import fs from 'node:fs';
import path from 'node:path';

const FILE_NAME = 'audit-verified.json';
const HASH = /^[0-9a-f]{64}$/;

interface Mark {
  seq: number;
  hash: string;
}

function readAll(configDir: string): Record<string, Mark> {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(path.join(configDir, FILE_NAME), 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, Mark>)
      : {};
  } catch {
    return {};
  }
}

/** The mark kept for `server`, or null. */
export function readVerifiedMark(configDir: string, server: string): Mark | null {
  const mark = readAll(configDir)[server];
  if (mark === undefined || !Number.isSafeInteger(mark.seq) || mark.seq < 1) return null;
  return typeof mark.hash === 'string' && HASH.test(mark.hash) ? { seq: mark.seq, hash: mark.hash } : null;
}

/** Keeps `mark` for `server` (written to a temporary file, then renamed). */
export async function writeVerifiedMark(configDir: string, server: string, mark: Mark): Promise<void> {
  await fs.promises.mkdir(configDir, { recursive: true, mode: 0o700 });
  const all = { ...readAll(configDir), [server]: { seq: mark.seq, hash: mark.hash } };
  const file = path.join(configDir, FILE_NAME);
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.promises.writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  await fs.promises.rename(temporary, file);
}
