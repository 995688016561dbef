/**
 * Field crypto per row, in-process: what the vault write path does for a row of five sensitive fields (encrypt each,
 * plus one blind index), and the matching read (decrypt each), by Strongroom's src/crypto and by ciphersweet-js.
 *
 * Strongroom: `encryptField` (AES-256-GCM, AAD = format, collection, record id, field, key id and version) under a
 * data key, and `computeBlindIndex` (HMAC-SHA-256, 16 bytes) under an index key; both keys derived once, as the
 * server caches them. CipherSweet: an `EncryptedRow` with five text fields, each with the record id as AAD source,
 * and one fast blind index (`BlindIndex(…, fastHash = true)`: PBKDF2-SHA-384 with 1 iteration, 128 bits) on the
 * lower-cased email, through the `FIPSCrypto` backend (AES-256-CTR + HMAC-SHA-384, keys by HKDF-SHA-384), the one
 * nearest ours: all of it is node:crypto (sodium-plus only supplies random bytes and zeroing; through sodium-native's
 * prebuilt binary when it loads). Its public API derives the field and index keys on every row and two subkeys
 * per value; that is part of the work measured, since no caching is offered.
 * Values are ASCII: CipherSweet reads strings as latin1, so other text would not round-trip there.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type * as CipherSweetModule from 'ciphersweet-js';
import {
  blindIndexKey,
  computeBlindIndex,
  createDataKey,
  decryptField,
  encryptField,
} from '../src/crypto/index.js';

export type FieldCryptoSide = 'strongroom' | 'ciphersweet';
export type FieldCryptoOp = 'write' | 'read';

export interface FieldCryptoWindow {
  rows: number;
  ms: number;
  /** CPU time of this process over the window (all threads). */
  cpuMs: number;
}

const FIELDS = ['name', 'email', 'ssn', 'phone', 'cardNumber'] as const;
type Field = (typeof FIELDS)[number];
type Row = Record<Field | 'id', string>;
type StoredRow = Record<string, string>;

const COLLECTION = 'people';
const INDEXED_FIELD = 'email';
const KEY_ID = 'dk_people';
const KEY_VERSION = 1;
const INDEX_BYTES = 16;
const ROW_COUNT = 64;
// Rows between clock reads: keeps the timing overhead negligible at ~10 µs per row.
const BATCH = 16;

// ciphersweet-js is CommonJS whose exports Node's ESM loader cannot name; its bundled types declare the module.
const cs = createRequire(import.meta.url)('ciphersweet-js') as typeof CipherSweetModule;
// The bundled declaration of setAadSourceField omits its second parameter (lib/encryptedrow.js takes two).
type EncryptedRow = CipherSweetModule.EncryptedRow & {
  setAadSourceField(field: string, aadSource: string): EncryptedRow;
};

const FIRST = ['Maria', 'James', 'Aisha', 'Wei', 'Olivia', 'Mateo', 'Priya', 'Lukas'];
const LAST = ['Gonzalez', 'Smith', 'Okafor', 'Chen', 'Johnson', 'Novak', 'Sharma', 'Schneider'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net'];

function luhnComplete(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

/** ROW_COUNT realistic, distinct rows (deterministic, so every run encrypts the same values). */
function makeRows(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < ROW_COUNT; i++) {
    const first = FIRST[i % FIRST.length] ?? 'Ann';
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'Lee';
    const n = String(1000 + i * 37).slice(-4);
    const card = luhnComplete(`4${String(539_127_046_118_200 + i * 7919).padStart(14, '0')}`);
    rows.push({
      id: `rec_${randomBytes(12).toString('base64url')}`,
      name: `${first} ${last}`,
      email: `${first}.${last}${i}@${DOMAINS[i % DOMAINS.length]}`,
      ssn: `${String(100 + i).slice(-3)}-${String(10 + (i % 89)).padStart(2, '0')}-${n}`,
      phone: `+1 415 555 ${n}`,
      cardNumber: card.replace(/(\d{4})(?=\d)/g, '$1 '),
    });
  }
  return rows;
}

interface Implementation {
  write(row: Row): unknown;
  read(stored: StoredRow, row: Row): unknown;
  /** Stores of all rows, made once (the read path decrypts these). */
  stored: StoredRow[];
}

function strongroomImplementation(rows: readonly Row[]): Implementation {
  const dataKey = createDataKey();
  const indexKey = blindIndexKey(randomBytes(32), {
    collection: COLLECTION,
    field: INDEXED_FIELD,
    version: 1,
  });
  const context = (row: Row, field: Field) => ({
    collection: COLLECTION,
    recordId: row.id,
    field,
    keyId: KEY_ID,
    keyVersion: KEY_VERSION,
  });
  const write = (row: Row): StoredRow => {
    const stored: StoredRow = { id: row.id };
    for (const field of FIELDS) stored[field] = encryptField(dataKey, row[field], context(row, field));
    stored.email_idx = computeBlindIndex(indexKey, row.email.toLowerCase(), INDEX_BYTES);
    return stored;
  };
  const read = (stored: StoredRow, row: Row): Row => {
    const plain: Row = { ...row };
    for (const field of FIELDS)
      plain[field] = decryptField(dataKey, stored[field] ?? '', context(row, field));
    return plain;
  };
  return { write, read, stored: rows.map(write) };
}

async function ciphersweetImplementation(rows: readonly Row[]): Promise<Implementation> {
  const engine = new cs.CipherSweet(
    new cs.StringProvider(randomBytes(32).toString('hex')),
    new cs.FIPSCrypto(),
  );
  const encryptedRow = new cs.EncryptedRow(engine, COLLECTION) as EncryptedRow;
  for (const field of FIELDS) {
    encryptedRow.addTextField(field);
    encryptedRow.setAadSourceField(field, 'id');
  }
  encryptedRow.addBlindIndex(
    INDEXED_FIELD,
    new cs.BlindIndex('email_idx', [new cs.Lowercase()], INDEX_BYTES * 8, true),
  );
  const write = async (row: Row): Promise<StoredRow> => {
    const [encrypted, indexes] = (await encryptedRow.prepareRowForStorage(row)) as [StoredRow, StoredRow];
    return { ...encrypted, ...indexes };
  };
  const read = (stored: StoredRow) =>
    encryptedRow.decryptRow(stored as never) as Promise<unknown> as Promise<Row>;
  const stored: StoredRow[] = [];
  for (const row of rows) stored.push(await write(row));
  return { write, read, stored };
}

let prepared: Promise<{ rows: Row[]; sides: Record<FieldCryptoSide, Implementation> }> | undefined;

/** Builds both sides once and checks that each round-trips every row and indexes equal values equally. */
async function prepare(): Promise<{ rows: Row[]; sides: Record<FieldCryptoSide, Implementation> }> {
  const rows = makeRows();
  const sides = {
    strongroom: strongroomImplementation(rows),
    ciphersweet: await ciphersweetImplementation(rows),
  };
  for (const [name, side] of Object.entries(sides)) {
    for (const [i, row] of rows.entries()) {
      const stored = side.stored[i];
      if (stored === undefined) throw new Error(`${name}: row ${i} was not stored`);
      const plain = (await side.read(stored, row)) as Row;
      for (const field of FIELDS) {
        if (plain[field] !== row[field]) throw new Error(`${name}: ${field} did not round-trip`);
        if (stored[field] === row[field]) throw new Error(`${name}: ${field} was stored in plaintext`);
      }
      const again = (await side.write({ ...row, email: row.email.toUpperCase() })) as StoredRow;
      if (typeof stored.email_idx !== 'string' || again.email_idx !== stored.email_idx) {
        throw new Error(`${name}: blind index is not stable under the email's case`);
      }
    }
  }
  return { rows, sides };
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Runs `op` over the rows, back to back, for `seconds`; awaits each result only for the asynchronous side. */
async function loop(
  op: (index: number) => unknown,
  isAsync: boolean,
  seconds: number,
): Promise<FieldCryptoWindow> {
  const cpuBefore = cpuMs();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let rows = 0;
  let now = start;
  while (now < deadline) {
    if (isAsync) for (let i = 0; i < BATCH; i++) await op(rows + i);
    else for (let i = 0; i < BATCH; i++) op(rows + i);
    rows += BATCH;
    now = performance.now();
  }
  return { rows, ms: now - start, cpuMs: cpuMs() - cpuBefore };
}

/** Writes (encrypt 5 fields + 1 blind index) or reads (decrypt 5 fields) rows on one side for `seconds`. */
export async function measureFieldCrypto(options: {
  side: FieldCryptoSide;
  op: FieldCryptoOp;
  seconds: number;
  warmupSeconds: number;
}): Promise<FieldCryptoWindow> {
  prepared ??= prepare();
  const { rows, sides } = await prepared;
  const side = sides[options.side];
  const isAsync = options.side === 'ciphersweet';
  const op =
    options.op === 'write'
      ? (i: number) => side.write(rows[i % ROW_COUNT] as Row)
      : (i: number) => side.read(side.stored[i % ROW_COUNT] as StoredRow, rows[i % ROW_COUNT] as Row);
  if (options.warmupSeconds > 0) await loop(op, isAsync, options.warmupSeconds);
  return loop(op, isAsync, options.seconds);
}
