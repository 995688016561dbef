/**
 * Which peers may say, in `X-Forwarded-Proto`, that a request reached them over HTTPS.
 * `false` (the default): none; the connection itself must be TLS. `true`: every peer (only when the application
 * is reachable solely through its proxy). Addresses or CIDRs (`'10.0.0.0/8, 127.0.0.1'` or an array): those peers.
 * Anyone else who sends the header is ignored, so a client cannot claim HTTPS over a plain connection.
 */
import { BlockList, isIP } from 'node:net';
import { StrongroomOptionsError } from './errors.js';

export type TrustProxy = boolean | string | readonly string[];

function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Compiles the option into a test of the peer address; throws StrongroomOptionsError on an invalid entry. */
export function compileTrustProxy(option: TrustProxy | undefined): (peer: string | undefined) => boolean {
  if (option === undefined || option === false) return () => false;
  if (option === true) return () => true;
  const entries = (typeof option === 'string' ? option.split(',') : [...option]).map((entry) => entry.trim());
  const list = new BlockList();
  for (const entry of entries.filter((item) => item !== '')) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0)
      throw new StrongroomOptionsError('trustProxy', 'every entry must be an IP address or a CIDR');
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      throw new StrongroomOptionsError('trustProxy', 'a CIDR prefix length is out of range');
    }
    list.addSubnet(address, bits, type);
  }
  return (peer) => {
    if (peer === undefined) return false;
    const address = normalize(peer);
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
