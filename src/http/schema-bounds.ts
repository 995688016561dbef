/**
 * The bounded building blocks every route schema is made of. Each string has a `maxLength` (or an enum), each
 * integer a `format` and a range, each array a `maxItems`: the limits the server really enforces on input (Ajv
 * checks request schemas before a handler runs; `maxLength` counts code points) and really respects on output
 * (response values are made by the server from input that passed the same bounds).
 *
 * Threats addressed: oversized or unbounded input reaching parsers, storage or the policy engine; a published
 * document that promises less than the server checks (generated clients and API linters read it). A new schema
 * composes these rather than writing `{ type: 'string' }`: the OpenAPI lint in the test suite refuses an
 * unbounded one.
 */
import { OPAQUE_TOKEN_LENGTH, type TokenPrefix } from '../crypto/index.js';

/** Text without C0 control characters (as the API has always refused them), between `min` and `max` code points. */
export function plainText(max: number, min = 0) {
  return { type: 'string', minLength: min, maxLength: max, pattern: '^[^\\u0000-\\u001f]*$' } as const;
}

/** Any text up to `max` code points (passwords, shares: checked by their own rules after validation). */
export function anyText(max: number, min = 1) {
  return { type: 'string', minLength: min, maxLength: max } as const;
}

/** An integer from `min` to `max` (safe in JavaScript and in int64 columns). */
export function integer(min = 0, max = Number.MAX_SAFE_INTEGER) {
  return {
    type: 'integer',
    format: max <= 2_147_483_647 && min >= -2_147_483_648 ? 'int32' : 'int64',
    minimum: min,
    maximum: max,
  } as const;
}

/** A count of things (records, events, versions): 0 and up. */
export const count = integer();

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** A server-made id (lowercase UUID). */
export const uuid = { type: 'string', format: 'uuid', maxLength: 36, pattern: UUID_PATTERN } as const;

/** RFC 3339 instant in UTC as the server writes it (`toISOString`). */
export const timestamp = { type: 'string', format: 'date-time', maxLength: 30 } as const;

export const nullableTimestamp = { ...timestamp, type: ['string', 'null'] } as const;

/** A SHA-256 digest in lowercase hex (audit hashes, key fingerprints). */
export const sha256Hex = { type: 'string', minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$' } as const;

/** A role name (policies name them; users and API keys carry them). */
export const ROLE_NAME_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';
export const roleName = { type: 'string', maxLength: 64, pattern: ROLE_NAME_PATTERN } as const;

/** At most this many roles on a user or an API key. */
export const MAX_ROLES = 8;
export const roleList = { type: 'array', maxItems: MAX_ROLES, items: roleName } as const;

/** A login name. */
export const USERNAME_MAX = 64;
export const username = {
  type: 'string',
  minLength: 1,
  maxLength: USERNAME_MAX,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$',
} as const;

/** The application's id of a person (records, users, erasure): opaque text, no control characters. */
export const subjectId = plainText(256, 1);

/** An opaque pagination cursor made by the server. */
export const cursor = { type: 'string', minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' } as const;

export const nullableCursor = { ...cursor, type: ['string', 'null'] } as const;

/** `limit` in a query string, as an integer (query strings alone are coerced from text). */
export function pageLimit(max: number) {
  return { ...integer(1, max), description: `1–${max}, default 50` } as const;
}

/** A policy purpose name (`X-Access-Purpose`, policy conditions). */
export const purposeName = { type: 'string', maxLength: 64, pattern: '^[a-z][a-z0-9_]{0,63}$' } as const;

/** An API key (`srk_…`) or refresh token (`srr_…`) as the server makes them. */
export function opaqueToken(prefix: TokenPrefix) {
  return {
    type: 'string',
    minLength: OPAQUE_TOKEN_LENGTH,
    maxLength: OPAQUE_TOKEN_LENGTH,
    pattern: `^${prefix}_[0-9A-Za-z]{${OPAQUE_TOKEN_LENGTH - 4}}$`,
  } as const;
}

/** A compact JWS as the server signs it (access tokens: a few hundred characters). */
export const compactJws = {
  type: 'string',
  maxLength: 4096,
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
} as const;

/** `bytes` bytes in unpadded base64url (JWK `x`, key thumbprints, Ed25519 signatures). */
export function base64url(bytes: number) {
  const length = Math.ceil((bytes * 4) / 3);
  return {
    type: 'string',
    minLength: length,
    maxLength: length,
    pattern: `^[A-Za-z0-9_-]{${length}}$`,
  } as const;
}
