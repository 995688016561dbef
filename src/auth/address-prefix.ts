/**
 * The unit a client address is throttled by. An IPv6 client typically controls a whole /64 and can rotate through
 * it at will, so IPv6 addresses count by their /64. IPv4 addresses count one by one, including when written inside
 * IPv6 (mapped `::ffff:a.b.c.d` in any spelling, compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), so IPv4 clients
 * behind such forms never share one bucket. Anything that is not an IP address (it can only come from a proxy
 * header) is one shared bucket, never a key chosen by the client.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address (dotted IPv4 tails included). */
function groupsOf(address: string): number[] | null {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

function embeddedIPv4(groups: number[]): string | null {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const zeros = (...gs: Array<number | undefined>) => gs.every((g) => g === 0);
  const mapped = zeros(g0, g1, g2, g3, g4) && g5 === 0xffff;
  const translated = zeros(g0, g1, g2, g3) && g4 === 0xffff && g5 === 0; // ::ffff:0:a.b.c.d (SIIT)
  const compatible = zeros(g0, g1, g2, g3, g4, g5) && g6 !== 0;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && zeros(g2, g3, g4, g5);
  if (!(mapped || translated || compatible || nat64)) return null;
  return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.');
}

/** `203.0.113.9` → itself; `2001:db8:1:2:3:4:5:6` → `2001:db8:1:2::/64`; `::ffff:203.0.113.9` → `203.0.113.9`. */
export function throttleAddressKey(address: string): string {
  const zoneless = address.split('%')[0] ?? '';
  if (isIPv4(zoneless)) return zoneless;
  if (!isIPv6(zoneless)) return 'invalid';
  const groups = groupsOf(zoneless);
  if (groups === null) return 'invalid';
  return (
    embeddedIPv4(groups) ??
    `${groups
      .slice(0, 4)
      .map((g) => g.toString(16))
      .join(':')}::/64`
  );
}
