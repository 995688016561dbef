import { describe, expect, it } from 'vitest';
import { throttleAddressKey } from './address-prefix.js';

describe('throttleAddressKey', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['0:0:0:0:0:ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:0:198.51.100.7', '198.51.100.7'],
    ['::192.0.2.1', '192.0.2.1'],
    ['64:ff9b::192.0.2.33', '192.0.2.33'],
    ['64:ff9b::c000:221', '192.0.2.33'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not-an-address', 'invalid'],
    ['x'.repeat(70), 'invalid'],
  ])('%s → %s', (address, key) => {
    expect(throttleAddressKey(address)).toBe(key);
  });

  it('puts every address of one /64 in one bucket and neighbouring /64s in others', () => {
    expect(throttleAddressKey('2001:db8:a:b:1::')).toBe(throttleAddressKey('2001:db8:a:b:ffff::9'));
    expect(throttleAddressKey('2001:db8:a:b::')).not.toBe(throttleAddressKey('2001:db8:a:c::'));
  });
});
