/**
 * Host names and IP addresses a development server certificate is issued for (its subjectAltName).
 */
import { isIP } from 'node:net';
import { AppError } from '../errors.js';

/** The hosts a development certificate covers when none are given. */
export const DEFAULT_DEV_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export interface SanHosts {
  /** Lower-case DNS names, in the order given, without duplicates. */
  readonly dns: readonly string[];
  /** IPv4 and IPv6 addresses, in the order given, without duplicates. */
  readonly ips: readonly string[];
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function isDnsName(name: string): boolean {
  const labels = name.split('.');
  // An all-numeric last label is a malformed IP address (e.g. `10.0.0`), never a real host name.
  return (
    name.length <= 253 && labels.every((label) => DNS_LABEL.test(label)) && !/^\d+$/.test(labels.at(-1) ?? '')
  );
}

const invalid = (message: string) => new AppError('TLS_HOSTS_INVALID', { message });

/** Splits hosts into DNS names and IP addresses; throws TLS_HOSTS_INVALID on an empty list or an invalid entry. */
export function parseSanHosts(hosts: readonly string[]): SanHosts {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const raw of hosts) {
    const host = raw.trim().replace(/^\[(.*)\]$/, '$1');
    const version = isIP(host);
    // Zone ids and IPv4-mapped IPv6 forms have no single canonical SAN encoding: ask for the plain address.
    if (version === 6 && (host.includes('%') || host.includes('.'))) {
      throw invalid(`Unsupported IPv6 address form for a development certificate: ${JSON.stringify(raw)}`);
    }
    if (version !== 0) ips.add(host.toLowerCase());
    else if (isDnsName(host.toLowerCase())) dns.add(host.toLowerCase());
    else throw invalid(`Invalid host for a development certificate: ${JSON.stringify(raw)}`);
  }
  if (dns.size === 0 && ips.size === 0) throw invalid('A development certificate needs at least one host');
  return { dns: [...dns], ips: [...ips] };
}
