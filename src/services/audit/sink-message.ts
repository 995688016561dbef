/**
 * What a sink ships, in bytes: pure functions, tested against the RFCs' grammar.
 * - An item is a committed event in the published wire form (docs/audit.md), or a `skipped` marker standing for
 *   events a sink filter left out: `{ skipped: { from_seq, to_seq, hash } }`, where `hash` is the last skipped
 *   event's chain hash, so the next event's `prev_hash` still links to what the receiver saw.
 * - Syslog: one RFC 5424 message per item, framed for TLS by octet counting (RFC 5425 §4.3: `MSG-LEN SP
 *   SYSLOG-MSG`). PRI is facility 13 (log audit) with severity 6 (informational) for allowed events and 5
 *   (notice) for every other; MSGID `audit` or `audit-skipped`; structured data `[strongroom@32473 seq prev_hash
 *   hash]` (32473: the enterprise number RFC 5612 reserves for documentation); MSG is the item's JSON (UTF-8,
 *   with the BOM RFC 5424 asks for).
 * - Webhook: the JSON body `{ "events": [items…] }`, signed as `t=<unix seconds>,v1=<hex HMAC-SHA256 over
 *   "<t>.<body>">` in `Strongroom-Signature`, so a receiver checks both the body and its freshness.
 * Invariant: items carry only what the trail holds (identifiers and HMACs), never a value.
 */
import { createHmac } from 'node:crypto';
import type { WireEvent } from '../../audit/index.js';

export interface SkippedItem {
  skipped: { from_seq: number; to_seq: number; hash: string };
}

export type SinkItem = WireEvent | SkippedItem;

const FACILITY_LOG_AUDIT = 13;
const BOM = '\uFEFF';
const PRINTUSASCII = /^[\x21-\x7e]+$/;

/** The seq range and hashes an item stands for. */
export function itemSeqs(item: SinkItem): { first: number; last: number; hash: string } {
  return 'skipped' in item
    ? { first: item.skipped.from_seq, last: item.skipped.to_seq, hash: item.skipped.hash }
    : { first: item.seq, last: item.seq, hash: item.hash };
}

/** One RFC 5424 message for `item`, with `hostname` and `appName` as header fields. */
export function syslogMessage(item: SinkItem, hostname: string, appName = 'strongroom'): string {
  const skipped = 'skipped' in item;
  const severity = skipped || item.outcome === 'allowed' ? 6 : 5;
  // A marker stands for several events: no one time of its own (NILVALUE).
  const time = skipped ? '-' : item.time;
  const sd = skipped
    ? `[strongroom@32473 from_seq="${item.skipped.from_seq}" to_seq="${item.skipped.to_seq}" hash="${item.skipped.hash}"]`
    : `[strongroom@32473 seq="${item.seq}" prev_hash="${item.prev_hash}" hash="${item.hash}"]`;
  const host = PRINTUSASCII.test(hostname) ? hostname.slice(0, 255) : '-';
  return `<${FACILITY_LOG_AUDIT * 8 + severity}>1 ${time} ${host} ${appName} - ${skipped ? 'audit-skipped' : 'audit'} ${sd} ${BOM}${JSON.stringify(item)}`;
}

/** RFC 5425 octet-counting frame: the message's length in bytes, a space, the message. */
export function octetFrame(message: string): Buffer {
  const bytes = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]);
}

/** The webhook body of a batch. */
export function webhookBody(items: readonly SinkItem[]): string {
  return JSON.stringify({ events: items });
}

/** The `Strongroom-Signature` header of `body`, sent at `unixSeconds`. */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}
