/**
 * The options of `strongroomAuth`, validated once when the middleware is created (never while serving).
 */
import { isOpaqueToken } from '@strongroom/redact';
import { StrongroomOptionsError } from './errors.js';

export interface StrongroomAuthOptions {
  /** Strongroom's base URL (`https://…`): the JWKS and the introspection endpoint are found under it. */
  readonly url: string;
  /** PEM CA certificate(s) to trust for Strongroom instead of Node's store (the development `data/tls/ca.pem`). */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** An API key whose roles the policy grants `introspect` (the default policy's `introspector` role). */
  readonly introspectionKey: string;
  /** The `aud` tokens must name. Default `strongroom-api`, the server's default. */
  readonly audience?: string;
  /** The `iss` tokens must name. Default `strongroom`, the server's default. */
  readonly issuer?: string;
  /** When non-empty, the caller must hold at least one of these roles (`403 FORBIDDEN` otherwise). */
  readonly roles?: readonly string[];
  /** Longest time a revoked session may still be accepted, in seconds (0–300). Default 5; 0 asks every request. */
  readonly revocationCheckSeconds?: number;
  /** Least time between two JWKS fetches caused by unknown key ids, in seconds (1–300). Default 5. */
  readonly jwksCooldownSeconds?: number;
  /** Timeout of each call to Strongroom, in milliseconds (100–30000). Default 3000. */
  readonly timeoutMs?: number;
  /** Sessions and tokens remembered (LRU). Default 10000. */
  readonly cacheSize?: number;
  /** Told when Strongroom could not be asked (the request was refused with 503). Never given a token. */
  readonly onError?: (error: unknown) => void;
  /** Milliseconds since the epoch; for tests. */
  readonly clock?: () => number;
}

export interface ResolvedAuthOptions {
  readonly url: URL;
  readonly ca: string | Buffer | readonly (string | Buffer)[] | undefined;
  readonly introspectionKey: string;
  readonly audience: string;
  readonly issuer: string;
  readonly roles: readonly string[];
  readonly revocationWindowMs: number;
  readonly jwksCooldownMs: number;
  readonly timeoutMs: number;
  readonly cacheSize: number;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly clock: () => number;
}

function intIn(
  option: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min || chosen > max) {
    throw new StrongroomOptionsError(option, `must be an integer from ${min} to ${max}`);
  }
  return chosen;
}

function text(option: string, value: string | undefined, fallback: string): string {
  const chosen = value ?? fallback;
  if (typeof chosen !== 'string' || chosen === '')
    throw new StrongroomOptionsError(option, 'must be a non-empty string');
  return chosen;
}

/** Validates and completes the options; throws StrongroomOptionsError naming the first bad one. */
export function resolveAuthOptions(options: StrongroomAuthOptions): ResolvedAuthOptions {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new StrongroomOptionsError('url', 'must be an absolute https:// URL');
  }
  if (url.protocol !== 'https:') throw new StrongroomOptionsError('url', 'must be an https:// URL');
  if (typeof options.introspectionKey !== 'string' || !isOpaqueToken(options.introspectionKey, 'srk')) {
    throw new StrongroomOptionsError('introspectionKey', 'must be a Strongroom API key (srk_…)');
  }
  const roles = options.roles ?? [];
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string' && role !== '')) {
    throw new StrongroomOptionsError('roles', 'must be a list of role names');
  }
  return Object.freeze({
    url,
    ca: options.ca,
    introspectionKey: options.introspectionKey,
    audience: text('audience', options.audience, 'strongroom-api'),
    issuer: text('issuer', options.issuer, 'strongroom'),
    roles: Object.freeze([...roles]),
    revocationWindowMs: intIn('revocationCheckSeconds', options.revocationCheckSeconds, 5, 0, 300) * 1000,
    jwksCooldownMs: intIn('jwksCooldownSeconds', options.jwksCooldownSeconds, 5, 1, 300) * 1000,
    timeoutMs: intIn('timeoutMs', options.timeoutMs, 3000, 100, 30_000),
    cacheSize: intIn('cacheSize', options.cacheSize, 10_000, 1, 1_000_000),
    onError: options.onError,
    clock: options.clock ?? Date.now,
  });
}
