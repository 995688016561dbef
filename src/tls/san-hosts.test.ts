import { describe, expect, it } from 'vitest';
import { DEFAULT_DEV_HOSTS, parseSanHosts } from './san-hosts.js';

describe('parseSanHosts', () => {
  it('splits the default hosts into DNS names and IP addresses', () => {
    expect(parseSanHosts(DEFAULT_DEV_HOSTS)).toEqual({ dns: ['localhost'], ips: ['127.0.0.1', '::1'] });
  });

  it('normalises case, whitespace and IPv6 brackets, and drops duplicates', () => {
    expect(parseSanHosts([' App.Test ', 'app.test', '[FD00::1]', 'fd00::1', '10.0.0.1'])).toEqual({
      dns: ['app.test'],
      ips: ['fd00::1', '10.0.0.1'],
    });
  });

  it.each([
    ['an empty string', ''],
    ['a space', 'bad host'],
    ['a wildcard', '*.example.test'],
    ['a label starting with a hyphen', '-a.test'],
    ['a label over 63 characters', `${'a'.repeat(64)}.test`],
    ['an empty label', 'a..test'],
    ['a malformed IPv4 address', '10.0.0'],
    ['a URL', 'https://localhost'],
    ['an IPv6 zone id', 'fe80::1%eth0'],
    ['an IPv4-mapped IPv6 address', '::ffff:127.0.0.1'],
  ])('rejects %s', (_label, host) => {
    expect(() => parseSanHosts([host])).toThrow(expect.objectContaining({ code: 'TLS_HOSTS_INVALID' }));
  });

  it('rejects an empty list', () => {
    expect(() => parseSanHosts([])).toThrow(expect.objectContaining({ code: 'TLS_HOSTS_INVALID' }));
  });
});
