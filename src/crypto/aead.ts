/**
 * AES-256-GCM sealing of small secrets (signing keys now; field values later).
 *
 * Format: `v1.<base64url(nonce[12] || ciphertext || tag[16])>`. The AAD binds a ciphertext to where it lives (e.g. the
 * key id it belongs to), so a sealed value copied elsewhere fails to open. Nonces are random 96-bit: safe for far fewer
 * than 2^32 seals per key, which this use never approaches.
 * Threats addressed: disclosure and undetected tampering of stored secrets. Not addressed: a compromised master key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function assertKey(key: Buffer): void {
  if (key.length !== 32)
    throw new AppError('CRYPTO_INVALID_ARGUMENT', { message: 'AES-256-GCM key must be 32 bytes' });
}

/** Encrypts and authenticates `plaintext`, binding it to `aad`. */
export function seal(key: Buffer, plaintext: Buffer, aad: string | Buffer): string {
  assertKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(typeof aad === 'string' ? Buffer.from(aad, 'utf8') : aad);
  const body = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${body.toString('base64url')}`;
}

/**
 * Decrypts a value made by `seal`. Throws AppError SEALED_VALUE_INVALID for a value that is not one, and
 * SEALED_VALUE_FAILED_AUTH on any tampering, wrong key or wrong AAD (without saying which).
 */
export function open(key: Buffer, sealed: string, aad: string | Buffer): Buffer {
  assertKey(key);
  const [version, encoded, extra] = sealed.split('.');
  if (version !== VERSION || encoded === undefined || extra !== undefined)
    throw new AppError('SEALED_VALUE_INVALID', { message: 'unsupported sealed value' });
  const body = Buffer.from(encoded, 'base64url');
  if (body.length < NONCE_BYTES + TAG_BYTES)
    throw new AppError('SEALED_VALUE_INVALID', { message: 'sealed value is truncated' });
  const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, NONCE_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(typeof aad === 'string' ? Buffer.from(aad, 'utf8') : aad);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new AppError('SEALED_VALUE_FAILED_AUTH', { message: 'sealed value failed authentication' });
  }
}
