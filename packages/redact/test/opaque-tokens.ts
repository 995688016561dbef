/**
 * Test helper: well-formed Strongroom tokens with random bodies and a valid checksum, built from the format this
 * package defines (the server generates real ones with `crypto.randomBytes`; tests need only the shape).
 */
import { randomInt } from 'node:crypto';
import {
  BASE62_ALPHABET,
  OPAQUE_TOKEN_BODY_LENGTH,
  opaqueTokenChecksum,
  type TokenPrefix,
} from '../src/opaque-token-format.js';

export function makeOpaqueToken(prefix: TokenPrefix): string {
  let body = '';
  for (let i = 0; i < OPAQUE_TOKEN_BODY_LENGTH; i++) body += BASE62_ALPHABET[randomInt(62)];
  const head = `${prefix}_${body}`;
  return head + opaqueTokenChecksum(head);
}
