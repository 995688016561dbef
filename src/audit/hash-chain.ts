/**
 * Hash chain over audit events. Each event commits to the one before it, so changing, removing, inserting or
 * moving an event breaks every later link.
 *
 * Construction (all hashes lower-case hex):
 *   hash = SHA-256( "strongroom-audit-v1" || 0x00 || hexDecode(prevHash) || canonicalEventBytes(event) )
 * where prevHash is the previous event's hash, or GENESIS_HASH (64 "0") for seq 1. The domain prefix keeps these
 * digests from colliding with any other SHA-256 use in the system; prevHash is fixed-length (32 bytes), so the
 * concatenation is unambiguous; the chain fields themselves are not part of the canonical bytes.
 *
 * Threats addressed: silent edits to stored events. Not addressed on its own: the hash is unkeyed, so whoever can
 * write the store can rebuild the whole chain, or drop its tail; signed checkpoints (checkpoint.ts) cover that.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, ChainedEvent } from './audit-event.js';
import { canonicalEventBytes } from './canonical-event.js';

export const GENESIS_HASH = '0'.repeat(64);

const DOMAIN = Buffer.from('strongroom-audit-v1\u0000', 'utf8');
const HEX_HASH = /^[0-9a-f]{64}$/;

/** True for a lower-case hex SHA-256 digest. */
export function isHexHash(value: unknown): value is string {
  return typeof value === 'string' && HEX_HASH.test(value);
}

/** Chain hash of `event` linked to `prevHash` (see the construction above). */
export function hashEvent(prevHash: string, event: AuditEvent): string {
  if (!isHexHash(prevHash)) throw new TypeError('prevHash must be 64 lower-case hex characters');
  return createHash('sha256')
    .update(DOMAIN)
    .update(Buffer.from(prevHash, 'hex'))
    .update(canonicalEventBytes(event))
    .digest('hex');
}

/** Links `event` after `prevHash`; returns the event with its `prevHash` and `hash`. */
export function chainEvent(prevHash: string, event: AuditEvent): ChainedEvent {
  return { ...event, prevHash, hash: hashEvent(prevHash, event) };
}

/** The event fields of a chained event, without `prevHash` and `hash`. */
export function eventBody(chained: ChainedEvent): AuditEvent {
  const { prevHash: _prevHash, hash: _hash, ...body } = chained;
  return body;
}

/** True when `value` is a chained event whose `hash` matches its content and `prevHash`. */
export function isIntactEvent(value: unknown): value is ChainedEvent {
  if (typeof value !== 'object' || value === null) return false;
  const chained = value as ChainedEvent;
  if (!isHexHash(chained.prevHash) || !isHexHash(chained.hash)) return false;
  try {
    // Hashes are public values, so a plain comparison leaks nothing.
    return hashEvent(chained.prevHash, eventBody(chained)) === chained.hash;
  } catch {
    return false;
  }
}
