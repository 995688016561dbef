/**
 * The unit a client address is throttled by. An IPv6 client typically controls a whole /64 and can rotate through
 * it at will, so IPv6 addresses count by their /64; IPv4 (and IPv4-mapped IPv6) addresses count one by one.
 * Anything that is not an IP address (it can only come from a proxy header) is one shared bucket, never a key
 * chosen by the client.
 */
import { isIPv4, isIPv6 } from 'node:net';

function expandIPv6(address: string): string[] | null {
  const [head = '', tail, extra] = address.split('::');
  if (extra !== undefined) return null;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
}

/** `203.0.113.9` → itself; `2001:db8:1:2:3:4:5:6` → `2001:db8:1:2::/64`; junk → `invalid`. */
export function throttleAddressKey(address: string): string {
  const zoneless = address.split('%')[0] ?? '';
  if (isIPv4(zoneless)) return zoneless;
  if (!isIPv6(zoneless)) return 'invalid';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(zoneless);
  if (mapped?.[1] !== undefined) return mapped[1];
  // An embedded IPv4 tail only appears in mapped/compatible forms, whose /64 is all zeros anyway.
  const groups = expandIPv6(zoneless.replace(/:\d+\.\d+\.\d+\.\d+$/, ':0:0'));
  if (groups === null) return 'invalid';
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
