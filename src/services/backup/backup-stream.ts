/**
 * Writing and reading backup files as streams, in bounded memory (backup-format.ts has the format and its
 * guarantees). The reader yields a chunk's plaintext only after that chunk authenticated, and reports a missing
 * final chunk (BACKUP_TRUNCATED) or bytes after it (BACKUP_CORRUPT) at the end: callers must treat what they wrote
 * from it as unfinished until the generator returns.
 */
import fs from 'node:fs/promises';
import { AppError } from '../../errors.js';
import {
  type BackupManifest,
  backupKeyId,
  CHUNK_BYTES,
  createChunkOpener,
  createChunkSealer,
  encodePreamble,
  MAGIC,
  MANIFEST_LIMIT,
  parseManifest,
  TAG_BYTES,
} from './backup-format.js';

/** Streams `sources` (files, in order) into `out` as one encrypted backup under `key`. */
export async function writeBackupStream(
  out: fs.FileHandle,
  key: Buffer,
  manifest: BackupManifest,
  sources: readonly string[],
): Promise<void> {
  const preamble = encodePreamble(manifest);
  await out.write(preamble);
  const seal = createChunkSealer(key, manifest, preamble);
  let pending = Buffer.alloc(0);
  const buffer = Buffer.alloc(CHUNK_BYTES);
  for (const source of sources) {
    const input = await fs.open(source, 'r');
    try {
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        pending = Buffer.concat([pending, buffer.subarray(0, bytesRead)]);
        // A full chunk is held back until more data follows: the last one must carry the final flag.
        while (pending.length > CHUNK_BYTES) {
          await out.write(seal(pending.subarray(0, CHUNK_BYTES), false));
          pending = pending.subarray(CHUNK_BYTES);
        }
      }
    } finally {
      await input.close();
    }
  }
  await out.write(seal(pending, true));
}

async function readExactly(input: fs.FileHandle, length: number): Promise<Buffer | null> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await input.read(buffer, filled, length - filled, null);
    if (bytesRead === 0) return filled === 0 ? null : buffer.subarray(0, filled);
    filled += bytesRead;
  }
  return buffer;
}

const truncated = () =>
  new AppError('BACKUP_TRUNCATED', {
    message: 'the backup file is truncated: it ends before its last chunk',
  });

/** Reads the manifest of an open backup file (no key needed: it is plaintext). */
export async function readPreamble(
  input: fs.FileHandle,
): Promise<{ manifest: BackupManifest; preamble: Buffer }> {
  const head = await readExactly(input, MAGIC.length + 5);
  if (head === null || head.length < MAGIC.length || !head.subarray(0, MAGIC.length).equals(MAGIC))
    throw new AppError('BACKUP_CORRUPT', { message: 'not a Strongroom backup file (magic)' });
  if (head.length < MAGIC.length + 5) throw truncated();
  if (head[MAGIC.length] !== 1)
    throw new AppError('BACKUP_CORRUPT', { message: 'not a Strongroom backup file (version)' });
  const length = head.readUInt32BE(MAGIC.length + 1);
  if (length > MANIFEST_LIMIT)
    throw new AppError('BACKUP_CORRUPT', { message: 'not a Strongroom backup file (manifest size)' });
  const json = await readExactly(input, length);
  if (json === null || json.length < length) throw truncated();
  return { manifest: parseManifest(json), preamble: Buffer.concat([head, json]) };
}

/**
 * Opens `file` and yields its manifest first, then each chunk's authenticated plaintext. Throws BACKUP_WRONG_KEY
 * before any chunk when `key` is not the key the file was made with.
 */
export async function* readBackupStream(
  file: string,
  key: Buffer,
): AsyncGenerator<{ manifest: BackupManifest } | { chunk: Buffer }, void> {
  let input: fs.FileHandle;
  try {
    input = await fs.open(file, 'r');
  } catch (error) {
    throw new AppError('BACKUP_CORRUPT', {
      message: `cannot read the backup file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    });
  }
  try {
    const { manifest, preamble } = await readPreamble(input);
    if (manifest.key_id !== backupKeyId(key))
      throw new AppError('BACKUP_WRONG_KEY', {
        message: 'the backup was made with another backup key (key ids differ)',
      });
    yield { manifest };
    const open = createChunkOpener(key, manifest, preamble);
    for (;;) {
      const head = await readExactly(input, 5);
      if (head === null || head.length < 5) throw truncated();
      const flag = head[0];
      const length = head.readUInt32BE(1);
      if ((flag !== 0 && flag !== 1) || length > CHUNK_BYTES + TAG_BYTES)
        throw new AppError('BACKUP_CORRUPT', { message: 'the backup file was altered (chunk framing)' });
      const body = await readExactly(input, length);
      if (body === null || body.length < length) throw truncated();
      const final = flag === 1;
      yield { chunk: open(body, final) };
      if (final) {
        const extra = await readExactly(input, 1);
        if (extra !== null)
          throw new AppError('BACKUP_CORRUPT', { message: 'the backup file has bytes after its last chunk' });
        return;
      }
    }
  } finally {
    await input.close();
  }
}
