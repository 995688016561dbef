import { describe, expect, it } from 'vitest';
import { loadWycheproof } from './load-wycheproof.js';

describe('the committed Wycheproof vectors', () => {
  it('fails loudly, never skips, when a vector file is missing', () => {
    expect(() => loadWycheproof('no_such_test.json')).toThrow(/ENOENT/);
  });

  it.each(['aes_gcm_test.json', 'ed25519_test.json', 'hkdf_sha256_test.json', 'hmac_sha256_test.json'])(
    '%s is committed with test groups',
    (file) => {
      expect(loadWycheproof(file).testGroups.length).toBeGreaterThan(0);
    },
  );
});
