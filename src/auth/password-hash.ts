/**
 * Password hashing: argon2id for every new hash; argon2id and bcrypt hashes imported from other systems verify
 * and are flagged for rehash.
 *
 * Protects: users' passwords at rest, against offline guessing after a database leak.
 * Invariants:
 * - new hashes are argon2id v=19 PHC strings: 16-byte salt from `crypto.randomBytes`, 32-byte tag, params never
 *   below the OWASP minimum (m=19456 KiB, t=2, p=1);
 * - passwords are NFKC-normalised before hashing and verifying (NIST SP 800-63B §5.1.1.2), so one password typed
 *   on different keyboards or input methods gives the same bytes. Imported hashes were likely made from the raw
 *   string, so when NFKC changes the password the raw form is tried too (it can only ever match an imported
 *   hash: our own hashes are of NFKC-stable strings) and a match is flagged for rehash;
 * - argon2 and bcrypt (both native bindings) run on the libuv pool, off the event loop;
 * - `verify` never throws and never logs: a malformed, unsupported or out-of-bounds stored hash is `{ ok: false }`;
 * - the params of a stored hash are bounded before it is verified, so one imported hash cannot make every login
 *   cost gigabytes or seconds: argon2id m ≤ 256 MiB, t ≤ 8, p ≤ 16, m×t ≤ 1 GiB-pass (libsodium's MODERATE,
 *   RFC 9106's second option, PHP's, Django's and OWASP's configurations fit; RFC 9106's 2 GiB first option does
 *   not) and bcrypt cost ≤ 14 — or, for argon2id, params no higher than our own current ones (the operator's
 *   choice, which may exceed these caps). Anything else is refused without being computed, and
 *   `isImportableHash(value, hasher.params)` accepts exactly what `hasher.verify` will compute;
 * - `verifyDummy` costs what verifying a current-params argon2id hash costs, so an unknown username cannot be
 *   told from a wrong password by timing.
 * Not addressed: online guessing (rate limiting does that); a pepper (none is used); timing differences for users
 * whose hash is bcrypt or has older params, until their next login rehashes it; bcrypt's 72-byte truncation for
 * imported bcrypt hashes, until rehash; saturation of the libuv pool (size it with UV_THREADPOOL_SIZE).
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import bcrypt from 'bcrypt';
import { AppError } from '../errors.js';

export interface PasswordHashParams {
  /** Memory in KiB. */
  memoryCost: number;
  /** Passes over memory. */
  timeCost: number;
  /** Lanes. */
  parallelism: number;
}

export interface PasswordVerifyResult {
  ok: boolean;
  /** True when the password matched but the stored hash should be replaced by `hash(password)`. */
  needsRehash: boolean;
}

export interface PasswordHasher {
  readonly params: Readonly<PasswordHashParams>;
  /** argon2id PHC string of the NFKC-normalised password, with the current params. */
  hash(password: string): Promise<string>;
  /** Checks a password against a stored argon2id or bcrypt hash; never throws. */
  verify(stored: string, password: string): Promise<PasswordVerifyResult>;
  /** Burns the time of a real `verify`, for logins whose user does not exist; never throws. */
  verifyDummy(password: string): Promise<void>;
}

/** OWASP Password Storage Cheat Sheet's first argon2id configuration. */
export const DEFAULT_PASSWORD_HASH_PARAMS: Readonly<PasswordHashParams> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

const SALT_BYTES = 16;
const TAG_BYTES = 32;
// Bounds for our own params: the same range the config accepts (src/config.ts), so any configured value works.
const MAX_OWN_PARAMS: Readonly<PasswordHashParams> = { memoryCost: 2 ** 22, timeCost: 100, parallelism: 64 };
// Bounds for an imported hash, independent of config: real-world legacy configurations fit, while one login
// stays near a second and 256 MiB (2 GiB, t=2, p=16 took 6.8 s and 2.2 GiB).
const MAX_IMPORTED_PARAMS: Readonly<PasswordHashParams> = {
  memoryCost: 2 ** 18,
  timeCost: 8,
  parallelism: 16,
};
// m·t in KiB-passes: the CPU time of one verification (256 MiB × 4 passes ≈ 1-2 s).
const MAX_IMPORTED_WORK = 2 ** 20;

// Params in any order (the reference encoder writes m,t,p; node-argon2 writes m,p,t), each exactly once.
const ARGON2ID_PHC =
  /^\$argon2id\$v=19\$([mtp]=[1-9][0-9]{0,9},[mtp]=[1-9][0-9]{0,9},[mtp]=[1-9][0-9]{0,9})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;
// An imported hash sets the cost of every login: cost 31 would take days, 14 about a second. Common use is 10-13.
const MAX_BCRYPT_COST = 14;

/** NFKC, as applied to every password before it is hashed, verified or checked against policy. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Strict check of a hash offered for import: argon2id v=19 PHC string or bcrypt `$2a$`/`$2b$`/`$2y$`, within the
 * import caps or, given the hasher's `current` params, no costlier than them. True exactly when `verify` of a
 * hasher with those params would compute it.
 */
export function isImportableHash(value: string, current?: Readonly<PasswordHashParams>): boolean {
  const parsed = parseArgon2id(value);
  return parsed !== null ? isAffordable(parsed, current) : isSupportedBcrypt(value);
}

/** The configuration setting of each param, named in a refusal. */
const PARAM_SETTINGS = {
  memoryCost: 'argon2MemoryCost',
  timeCost: 'argon2TimeCost',
  parallelism: 'argon2Parallelism',
} as const;

/**
 * Creates the hasher; throws CONFIG_OUT_OF_RANGE (field: the setting, e.g. `argon2MemoryCost`) if a param is below
 * the OWASP minimum or above the range the config accepts.
 */
export function createPasswordHasher(params: PasswordHashParams): PasswordHasher {
  for (const name of ['memoryCost', 'timeCost', 'parallelism'] as const) {
    const [value, min, max] = [params[name], DEFAULT_PASSWORD_HASH_PARAMS[name], MAX_OWN_PARAMS[name]];
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new AppError('CONFIG_OUT_OF_RANGE', {
        field: PARAM_SETTINGS[name],
        message: `${name} must be an integer from ${min} to ${max}`,
      });
    }
  }
  const current: Readonly<PasswordHashParams> = Object.freeze({
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  });

  const hashNormalized = (password: string | Buffer): Promise<string> =>
    argon2.hash(password, {
      type: argon2.argon2id,
      ...current,
      hashLength: TAG_BYTES,
      salt: randomBytes(SALT_BYTES),
    });

  let dummy: Promise<string> | undefined;
  const getDummyHash = (): Promise<string> => {
    if (dummy === undefined) {
      const pending = hashNormalized(randomBytes(32));
      dummy = pending;
      // A failed attempt is not cached: the next call tries again.
      pending.catch(() => {
        if (dummy === pending) dummy = undefined;
      });
    }
    return dummy;
  };

  return {
    params: current,

    hash: (password) => hashNormalized(normalizePassword(password)),

    async verify(stored, password) {
      try {
        const candidates = candidatesFor(password);
        const parsed = parseArgon2id(stored);
        if (parsed !== null) {
          if (!isAffordable(parsed, current)) return { ok: false, needsRehash: false };
          for (const [i, candidate] of candidates.entries()) {
            if (await argon2.verify(stored, candidate)) {
              // From the parse above (v=19 is all it accepts): argon2.needsRehash would parse the string again.
              const stale =
                parsed.memoryCost !== current.memoryCost ||
                parsed.timeCost !== current.timeCost ||
                parsed.parallelism !== current.parallelism ||
                parsed.saltBytes !== SALT_BYTES ||
                parsed.tagBytes !== TAG_BYTES;
              return { ok: true, needsRehash: i > 0 || stale };
            }
          }
        } else if (isSupportedBcrypt(stored)) {
          for (const candidate of candidates) {
            // $2y$ (PHP) is the same algorithm as $2b$; the native binding only knows $2a$/$2b$.
            if (await bcrypt.compare(candidate, stored.replace(/^\$2y\$/, '$2b$')))
              return { ok: true, needsRehash: true };
          }
        }
      } catch {
        // Deliberately silent: a bad stored hash is a failed verification, and logging could leak it.
      }
      return { ok: false, needsRehash: false };
    },

    async verifyDummy(password) {
      try {
        const digest = await getDummyHash();
        // Same number of argon2 runs as `verify` would do for a wrong password.
        for (const candidate of candidatesFor(password)) await argon2.verify(digest, candidate);
      } catch {
        // Nothing to report: the caller answers "invalid credentials" either way.
      }
    },
  };
}

function candidatesFor(password: string): string[] {
  const normalized = normalizePassword(password);
  return normalized === password ? [normalized] : [normalized, password];
}

interface ParsedArgon2id extends PasswordHashParams {
  saltBytes: number;
  tagBytes: number;
}

/** Within the import caps, or no costlier in any param than `current`. */
function isAffordable(hash: PasswordHashParams, current: Readonly<PasswordHashParams> | undefined): boolean {
  const { memoryCost: m, timeCost: t, parallelism: p } = hash;
  const withinCaps =
    m <= MAX_IMPORTED_PARAMS.memoryCost &&
    t <= MAX_IMPORTED_PARAMS.timeCost &&
    p <= MAX_IMPORTED_PARAMS.parallelism &&
    m * t <= MAX_IMPORTED_WORK;
  const withinCurrent =
    current !== undefined && m <= current.memoryCost && t <= current.timeCost && p <= current.parallelism;
  return withinCaps || withinCurrent;
}

/** Structural parse of an argon2id v=19 PHC string; the params are only bounded by `isAffordable`. */
function parseArgon2id(value: string): ParsedArgon2id | null {
  if (typeof value !== 'string' || value.length > 256) return null;
  const match = ARGON2ID_PHC.exec(value);
  if (match === null) return null;
  const [, params = '', salt, tag] = match;
  const values = new Map(params.split(',').map((pair) => [pair[0], Number(pair.slice(2))]));
  const [m = 0, t = 0, p = 0] = ['m', 't', 'p'].map((key) => values.get(key));
  const [saltBytes, tagBytes] = [decodedLength(salt), decodedLength(tag)];
  const sane =
    values.size === 3 && m >= 8 * p && saltBytes >= 8 && saltBytes <= 64 && tagBytes >= 16 && tagBytes <= 64;
  return sane ? { memoryCost: m, timeCost: t, parallelism: p, saltBytes, tagBytes } : null;
}

/** Length of canonical unpadded base64, or -1 (fails every bound) when it is not canonical. */
function decodedLength(text: string | undefined): number {
  if (text === undefined) return -1;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === text ? bytes.length : -1;
}

function isSupportedBcrypt(value: string): boolean {
  if (typeof value !== 'string') return false;
  const match = BCRYPT.exec(value);
  return match !== null && Number(match[1]) <= MAX_BCRYPT_COST;
}
