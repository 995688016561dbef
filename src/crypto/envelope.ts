/**
 * Envelope encryption of record fields. Every value is AES-256-GCM under a 32-byte data key; data keys are stored
 * only wrapped by the master key (aead.ts `seal`, AAD = key id + version). Field ciphertexts are self-describing
 * (field-ciphertext.ts) and their AAD binds format version, collection, record id, field, key id and key version.
 * Invariants:
 * - AADs are JSON arrays of strings and integers, an injective encoding: distinct contexts never share an AAD, whatever
 *   characters (separators, quotes, lone surrogates) the names contain.
 * - A ciphertext copied to another record, field or collection, or relabelled with another key id or version, fails
 *   to decrypt; so does any bit flip in nonce or body, and a wrapped key opened under another key id or version.
 * - Nonces are 96 random bits per encryption: keep well under 2^32 encryptions per data key (rotate before then).
 * - Plaintexts must be well-formed Unicode: a lone surrogate would not survive UTF-8 and is refused, not altered.
 * - Errors carry a code and fixed text, never a key, plaintext or ciphertext.
 * Threats addressed: disclosure of a database dump without the master key; tampering, swapping or replaying stored
 * ciphertexts between locations. Not addressed: a compromised master key or process memory; rollback of a field to
 * an older ciphertext of the same record and field (needs a version counter in the AAD, kept by the caller); leakage
 * of plaintext length (GCM does not pad).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, seal } from './aead.js';
import {
  FIELD_CIPHERTEXT_PREFIX,
  FIELD_NONCE_BYTES,
  FIELD_TAG_BYTES,
  formatFieldCiphertext,
  parseFieldCiphertext,
} from './field-ciphertext.js';
import { fieldCryptoError } from './field-crypto-error.js';
import { assertKeyRef, type KeyRef } from './key-ref.js';

const DATA_KEY_BYTES = 32;
const DATA_KEY_DOMAIN = 'strongroom.data-key.v1';
// With the u flag, a surrogate range only matches surrogates that are not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const PLAIN_NAME = /^[A-Za-z0-9_$.-]*$/;

/** Where a field value lives and which data key encrypts it. */
export interface FieldContext extends KeyRef {
  collection: string;
  recordId: string;
  field: string;
}

function assertDataKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== DATA_KEY_BYTES) {
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'data key must be 32 bytes');
  }
}

function assertName(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', `${what} must be a non-empty string`);
  }
}

function wrapAad(ref: KeyRef): Buffer {
  assertKeyRef(ref);
  return Buffer.from(JSON.stringify([DATA_KEY_DOMAIN, ref.keyId, ref.keyVersion]), 'utf8');
}

/** Returns a fresh random 32-byte data key. */
export function createDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/** Wraps `dataKey` under the master key, bound to its key id and version (so it cannot be relabelled). */
export function wrapDataKey(masterKey: Buffer, dataKey: Buffer, context: KeyRef): string {
  assertDataKey(dataKey);
  return seal(masterKey, dataKey, wrapAad(context));
}

/** Unwraps a data key; throws DATA_KEY_UNWRAP_FAILED for a wrong master key, wrong context or any tampering. */
export function unwrapDataKey(masterKey: Buffer, wrapped: string, context: KeyRef): Buffer {
  const aad = wrapAad(context);
  let dataKey: Buffer;
  try {
    dataKey = open(masterKey, wrapped, aad);
  } catch {
    throw fieldCryptoError('DATA_KEY_UNWRAP_FAILED', 'data key could not be unwrapped');
  }
  if (dataKey.length !== DATA_KEY_BYTES) {
    throw fieldCryptoError('DATA_KEY_UNWRAP_FAILED', 'data key could not be unwrapped');
  }
  return dataKey;
}

/** The AAD binding a field ciphertext to its format, collection, record, field and data key. */
export function fieldAad(ctx: FieldContext): Buffer {
  assertName(ctx.collection, 'collection');
  assertName(ctx.recordId, 'record id');
  assertName(ctx.field, 'field');
  assertKeyRef(ctx);
  // Names made only of these characters serialize identically with or without JSON.stringify (no escaping), and
  // record reads build this AAD once per field: skip the generic serializer for them.
  if (PLAIN_NAME.test(ctx.collection) && PLAIN_NAME.test(ctx.recordId) && PLAIN_NAME.test(ctx.field)) {
    return Buffer.from(
      `["${FIELD_CIPHERTEXT_PREFIX}","${ctx.collection}","${ctx.recordId}","${ctx.field}","${ctx.keyId}",${ctx.keyVersion}]`,
      'latin1',
    );
  }
  const parts = [FIELD_CIPHERTEXT_PREFIX, ctx.collection, ctx.recordId, ctx.field, ctx.keyId, ctx.keyVersion];
  return Buffer.from(JSON.stringify(parts), 'utf8');
}

/** Encrypts `plaintext` for the location in `ctx` under `dataKey`; returns a self-describing `sr1:` string. */
export function encryptField(dataKey: Buffer, plaintext: string, ctx: FieldContext): string {
  assertDataKey(dataKey);
  if (typeof plaintext !== 'string' || LONE_SURROGATE.test(plaintext)) {
    throw fieldCryptoError(
      'FIELD_CRYPTO_INVALID_ARGUMENT',
      'field plaintext must be well-formed Unicode text',
    );
  }
  const aad = fieldAad(ctx);
  const nonce = randomBytes(FIELD_NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: FIELD_TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return formatFieldCiphertext({ keyId: ctx.keyId, keyVersion: ctx.keyVersion, nonce, body });
}

/**
 * Decrypts a field ciphertext made for exactly this location and key. Throws FIELD_CIPHERTEXT_MALFORMED,
 * FIELD_KEY_MISMATCH (header names another key id or version than `ctx`) or FIELD_DECRYPT_FAILED.
 */
export function decryptField(dataKey: Buffer, ciphertext: string, ctx: FieldContext): string {
  assertDataKey(dataKey);
  const aad = fieldAad(ctx);
  const parsed = parseFieldCiphertext(ciphertext);
  if (parsed.keyId !== ctx.keyId || parsed.keyVersion !== ctx.keyVersion) {
    throw fieldCryptoError('FIELD_KEY_MISMATCH', 'field ciphertext was made with another data key');
  }
  const tagStart = parsed.body.length - FIELD_TAG_BYTES;
  const decipher = createDecipheriv('aes-256-gcm', dataKey, parsed.nonce, { authTagLength: FIELD_TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(parsed.body.subarray(tagStart));
  try {
    // GCM's final() yields no bytes; it only checks the tag, which must pass before the plaintext is returned.
    const plaintext = decipher.update(parsed.body.subarray(0, tagStart));
    decipher.final();
    return plaintext.toString('utf8');
  } catch {
    throw fieldCryptoError('FIELD_DECRYPT_FAILED', 'field ciphertext failed authentication');
  }
}
