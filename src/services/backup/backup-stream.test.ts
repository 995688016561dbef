import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackupManifest, backupKeyId, CHUNK_BYTES, newSalt } from './backup-format.js';
import { readBackupStream, writeBackupStream } from './backup-stream.js';

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-stream-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function manifest(key: Buffer, size: number): BackupManifest {
  return {
    format: 'strongroom-backup',
    version: 1,
    created_at: '2026-01-01T00:00:00.000Z',
    strongroom_version: '0.1.0',
    database: 'sqlite',
    migrations: ['0001-initial'],
    audit: { seq: 3, hash: 'a'.repeat(64), time: null },
    files: [{ name: 'strongroom.db', size }],
    key_id: backupKeyId(key),
    salt: newSalt(),
    chunk_bytes: CHUNK_BYTES,
  };
}

async function write(key: Buffer, payload: Buffer): Promise<string> {
  const source = path.join(dir, 'payload');
  fs.writeFileSync(source, payload);
  const file = path.join(dir, 'backup');
  const out = await fs.promises.open(file, 'w');
  await writeBackupStream(out, key, manifest(key, payload.length), [source]);
  await out.close();
  return file;
}

async function read(file: string, key: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const item of readBackupStream(file, key)) if ('chunk' in item) parts.push(item.chunk);
  return Buffer.concat(parts);
}

/** Offsets of each chunk (its 5-byte head) after the preamble. */
function chunkOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  let offset = 13 + bytes.readUInt32BE(9);
  while (offset < bytes.length) {
    offsets.push(offset);
    offset += 5 + bytes.readUInt32BE(offset + 1);
  }
  return offsets;
}

describe('backup stream', () => {
  const key = randomBytes(32);

  it.each([0, 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES])('round-trips %i bytes', async (size) => {
    const payload = randomBytes(size);
    const file = await write(key, payload);
    expect((await read(file, key)).equals(payload)).toBe(true);
    // Exactly one final chunk, and it is the last: a payload of whole chunks does not end in an extra empty one
    // unless it is empty.
    const offsets = chunkOffsets(fs.readFileSync(file));
    expect(offsets.length).toBe(Math.max(1, Math.ceil(size / CHUNK_BYTES)));
  });

  it('never holds the plaintext', async () => {
    const payload = Buffer.from('SQLite format 3\u0000 canary-value '.repeat(1000));
    const file = await write(key, payload);
    expect(fs.readFileSync(file).includes(Buffer.from('canary-value'))).toBe(false);
  });

  it('refuses another key before reading any chunk', async () => {
    const file = await write(key, randomBytes(100));
    await expect(read(file, randomBytes(32))).rejects.toMatchObject({ code: 'BACKUP_WRONG_KEY' });
  });

  it('refuses a file whose key id was forged to match, by authentication', async () => {
    const other = randomBytes(32);
    const file = await write(key, randomBytes(100));
    const bytes = fs.readFileSync(file);
    const text = bytes.toString('latin1').replace(backupKeyId(key), backupKeyId(other));
    fs.writeFileSync(file, Buffer.from(text, 'latin1'));
    await expect(read(file, other)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
  });

  it('detects every one-bit change', async () => {
    const file = await write(key, randomBytes(2 * CHUNK_BYTES + 10));
    const original = fs.readFileSync(file);
    for (let i = 0; i < 40; i++) {
      const at = Math.floor(((i + 0.5) * original.length) / 40);
      const changed = Buffer.from(original);
      changed[at] = (changed[at] ?? 0) ^ (1 << (i % 8));
      fs.writeFileSync(file, changed);
      await expect(read(file, key), `byte ${at}`).rejects.toHaveProperty('code');
    }
  });

  it('detects reordered chunks, a dropped final chunk, and a final chunk moved up', async () => {
    const file = await write(key, randomBytes(3 * CHUNK_BYTES));
    const original = fs.readFileSync(file);
    const [a, b, c] = chunkOffsets(original) as [number, number, number];
    const swapped = Buffer.concat([
      original.subarray(0, a),
      original.subarray(b, c),
      original.subarray(a, b),
      original.subarray(c),
    ]);
    fs.writeFileSync(file, swapped);
    await expect(read(file, key)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
    fs.writeFileSync(file, original.subarray(0, c));
    await expect(read(file, key)).rejects.toMatchObject({ code: 'BACKUP_TRUNCATED' });
    // The final flag set on a middle chunk (the stream cut there and presented as complete).
    const flagged = Buffer.from(original.subarray(0, b));
    flagged[a] = 1;
    fs.writeFileSync(file, flagged);
    await expect(read(file, key)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
  });

  it('detects a chunk spliced in from another file made with the same key', async () => {
    const payload = randomBytes(2 * CHUNK_BYTES);
    const first = fs.readFileSync(await write(key, payload));
    const second = fs.readFileSync(await write(key, payload));
    const [, b1] = chunkOffsets(first) as [number, number];
    const [, b2] = chunkOffsets(second) as [number, number];
    fs.writeFileSync(path.join(dir, 'backup'), Buffer.concat([first.subarray(0, b1), second.subarray(b2)]));
    await expect(read(path.join(dir, 'backup'), key)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
  });

  it('refuses what is not a backup', async () => {
    const file = path.join(dir, 'not-a-backup');
    fs.writeFileSync(file, 'SQLite format 3\u0000');
    await expect(read(file, key)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
    fs.writeFileSync(file, 'SRBACK');
    await expect(read(file, key)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
  });
});
