/**
 * Self-describing field ciphertext: `sr1:<keyId>:<keyVersion>:<b64url nonce[12]>:<b64url ciphertext||tag[16]>`.
 * Pure format and parse; no crypto happens here (see envelope.ts).
 * Invariants: `parseFieldCiphertext` accepts exactly the strings `formatFieldCiphertext` can produce — one prefix,
 * key ids from `[A-Za-z0-9_-]{1,64}`, versions as positive safe integers without leading zeros, canonical unpadded
 * base64url, a 12-byte nonce and a body of at least the 16-byte tag — so each ciphertext has one spelling and the
 * header cannot be smuggled into a different meaning. Errors never include the input.
 * Threats addressed: malformed or ambiguous stored values reaching the decryptor. Not addressed: authenticity of the
 * header — that comes from the AAD in envelope.ts, which binds key id and version into the tag.
 */
import type { AppError } from '../errors.js';
import { fieldCryptoError } from './field-crypto-error.js';
import { assertKeyRef, isKeyId, type KeyRef } from './key-ref.js';

export const FIELD_CIPHERTEXT_PREFIX = 'sr1';
export const FIELD_NONCE_BYTES = 12;
export const FIELD_TAG_BYTES = 16;

/** The parts of a field ciphertext. `body` is ciphertext followed by the 16-byte GCM tag. */
export interface FieldCiphertext extends KeyRef {
  nonce: Buffer;
  body: Buffer;
}

const VERSION_TEXT = /^[1-9][0-9]{0,15}$/;
const BASE64URL_TEXT = /^[A-Za-z0-9_-]*$/;

function malformed(message: string): AppError {
  return fieldCryptoError('FIELD_CIPHERTEXT_MALFORMED', message);
}

const BASE64URL_VALUES = new Map(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].map((c, i) => [c, i]),
);

/**
 * Decodes unpadded base64url, refusing every spelling but the canonical one: Node ignores stray trailing bits and
 * odd lengths, so a length of 1 mod 4 and a last character with non-zero unused bits are refused here (the same
 * result as re-encoding and comparing, without the second encoding on every read).
 */
function decodeCanonicalBase64url(text: string, what: string): Buffer {
  if (!BASE64URL_TEXT.test(text)) throw malformed(`field ciphertext ${what} is not base64url`);
  const remainder = text.length % 4;
  const last = text.length === 0 ? 0 : (BASE64URL_VALUES.get(text[text.length - 1] as string) ?? 0);
  if (
    remainder === 1 ||
    (remainder === 2 && (last & 0x0f) !== 0) ||
    (remainder === 3 && (last & 0x03) !== 0)
  ) {
    throw malformed(`field ciphertext ${what} is not canonical base64url`);
  }
  return Buffer.from(text, 'base64url');
}

/** Formats the parts as `sr1:<keyId>:<keyVersion>:<nonce>:<body>`; throws on parts `parseFieldCiphertext` would refuse. */
export function formatFieldCiphertext(parts: FieldCiphertext): string {
  assertKeyRef(parts);
  if (parts.nonce.length !== FIELD_NONCE_BYTES) {
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'field nonce must be 12 bytes');
  }
  if (parts.body.length < FIELD_TAG_BYTES) {
    throw fieldCryptoError('FIELD_CRYPTO_INVALID_ARGUMENT', 'field body must hold at least the 16-byte tag');
  }
  return [
    FIELD_CIPHERTEXT_PREFIX,
    parts.keyId,
    String(parts.keyVersion),
    parts.nonce.toString('base64url'),
    parts.body.toString('base64url'),
  ].join(':');
}

/** Parses a field ciphertext; throws FIELD_CIPHERTEXT_MALFORMED (never echoing the input) on anything malformed. */
export function parseFieldCiphertext(text: string): FieldCiphertext {
  if (typeof text !== 'string') throw malformed('field ciphertext is not a string');
  const pieces = text.split(':');
  if (pieces.length !== 5) throw malformed('field ciphertext does not have five parts');
  const [prefix, keyId, versionText, nonceText, bodyText] = pieces as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (prefix !== FIELD_CIPHERTEXT_PREFIX)
    throw malformed('field ciphertext has an unsupported format version');
  if (!isKeyId(keyId)) throw malformed('field ciphertext key id is not valid');
  const keyVersion = Number(versionText);
  if (!VERSION_TEXT.test(versionText) || !Number.isSafeInteger(keyVersion)) {
    throw malformed('field ciphertext key version is not valid');
  }
  const nonce = decodeCanonicalBase64url(nonceText, 'nonce');
  if (nonce.length !== FIELD_NONCE_BYTES) throw malformed('field ciphertext nonce is not 12 bytes');
  const body = decodeCanonicalBase64url(bodyText, 'body');
  if (body.length < FIELD_TAG_BYTES) throw malformed('field ciphertext body is shorter than the tag');
  return { keyId, keyVersion, nonce, body };
}
