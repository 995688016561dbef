/**
 * Keyed HMACs of identifiers that are themselves sensitive (a searched email, a username that does not exist).
 * The audit trail stores the HMAC; an auditor who knows a value asks for its HMAC (POST /v1/audit/hash) and
 * looks events up by it.
 * Invariants: HMAC-SHA-256 under `rootKey.derive('audit-identifiers/v1')`, a key used for nothing else, over the
 * exact UTF-8 bytes (callers normalize first, e.g. usernames with `usernameKey`), as lower-case hex prefixed
 * `hmac:` so it can never be mistaken for a plain identifier. While sealed, `derive` throws SEALED.
 * Threats addressed: reading identities out of the trail or its exports without the root key. Not addressed:
 * guessing a low-entropy value with access to this endpoint (it needs the `read_audit` permission).
 */
import { createHmac } from 'node:crypto';
import type { RootKey } from '../../crypto/index.js';

export const IDENTIFIER_HMAC_LABEL = 'audit-identifiers/v1';

/** Returns `hmacIdentifier(value)`: `hmac:` + hex HMAC-SHA-256 of `value` under the audit identifier key. */
export function createIdentifierHmac(rootKey: Pick<RootKey, 'derive'>): (value: string) => string {
  return (value) => {
    if (typeof value !== 'string' || value.length === 0) throw new TypeError('hmacIdentifier: empty value');
    const mac = createHmac('sha256', rootKey.derive(IDENTIFIER_HMAC_LABEL))
      .update(value, 'utf8')
      .digest('hex');
    return `hmac:${mac}`;
  };
}

/**
 * The trail's form of a subject HMAC (the subjects table's `subject-id/v1` HMAC, stored there as base64url):
 * `hmac:` + the same bytes in lower-case hex, so every HMAC'd identifier in the trail has one form.
 */
export function auditSubjectOf(subjectHash: string): string {
  return `hmac:${Buffer.from(subjectHash, 'base64url').toString('hex')}`;
}
