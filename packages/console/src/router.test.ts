import { describe, expect, it } from 'vitest';
import { hrefOf, parseHash } from './router.js';

describe('hash routes', () => {
  it('round-trips segments through the hash, encoded', () => {
    expect(parseHash(hrefOf('collections', 'a b/c'))).toEqual(['collections', 'a b/c']);
    expect(hrefOf('api-keys', 'x')).toBe('#/api-keys/x');
    expect(parseHash('')).toEqual([]);
    expect(parseHash('#/users/')).toEqual(['users']);
    expect(parseHash('#/bad/%E0%A4%A')).toEqual(['bad', '%E0%A4%A']);
  });
});
