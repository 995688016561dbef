/**
 * Log input as decoded text chunks: a file or standard input, gunzipped when it starts with the gzip magic bytes
 * (whatever its name), decoded as latin1 so every byte maps to one character and a redacted copy keeps the bytes
 * it does not hide exactly as they were (UTF-8 included). The detectors look for ASCII shapes only.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(head: Buffer): boolean {
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** The bytes of `source`, the first chunk holding at least two bytes (unless the input is shorter). */
async function* bytesWithHead(source: Readable): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (head.length + chunk.length < 2) {
      head = Buffer.concat([head, chunk]);
      continue;
    }
    if (head.length > 0) {
      yield Buffer.concat([head, chunk]);
      head = Buffer.alloc(0);
    } else yield chunk;
  }
  if (head.length > 0) yield head;
}

/** Decoded text of a byte stream, gunzipped if it is gzip. Errors of the source or of gunzip are thrown. */
export async function* decodeLog(source: Readable): AsyncGenerator<string> {
  const bytes = bytesWithHead(source);
  const first = await bytes.next();
  if (first.done === true) return;
  if (!isGzip(first.value)) {
    yield first.value.toString('latin1');
    for await (const chunk of bytes) yield chunk.toString('latin1');
    return;
  }
  async function* compressed(head: Buffer): AsyncGenerator<Buffer> {
    yield head;
    yield* bytes;
  }
  const gunzip = createGunzip();
  // An error on either side destroys both, so the loop below throws it; the pipeline's own rejection is the same
  // error and is observed there.
  const piping = pipeline(Readable.from(compressed(first.value)), gunzip);
  piping.catch(() => undefined);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk.toString('latin1');
    await piping;
  } finally {
    gunzip.destroy();
    source.destroy();
  }
}

/** `-` is standard input; anything else a file path. */
export function openLog(file: string, stdin: Readable): Readable {
  return file === '-' ? stdin : createReadStream(file);
}
