import argon2 from 'argon2';
import bcrypt from 'bcrypt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPasswordHasher, DEFAULT_PASSWORD_HASH_PARAMS, isImportableHash } from './password-hash.js';

const hasher = createPasswordHasher(DEFAULT_PASSWORD_HASH_PARAMS);
const PASSWORD = 'correct horse battery staple';

// 16 bytes in unpadded base64 leave 4 unused bits in the last char; 'B' sets one, so it is never canonical.
function nonCanonical(base64: string): string {
  return `${base64.slice(0, -1)}B`;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('argon2id known answer', () => {
  // RFC 9106 §5.3 (Argon2id test vector), https://www.rfc-editor.org/rfc/rfc9106#section-5.3
  it('matches the RFC 9106 §5.3 tag', async () => {
    const tag = await argon2.hash(Buffer.alloc(32, 0x01), {
      raw: true,
      type: argon2.argon2id,
      version: 0x13,
      memoryCost: 32,
      timeCost: 3,
      parallelism: 4,
      hashLength: 32,
      salt: Buffer.alloc(16, 0x02),
      secret: Buffer.alloc(8, 0x03),
      associatedData: Buffer.alloc(12, 0x04),
    });
    expect(tag.toString('hex')).toBe('0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659');
  });
});

describe('createPasswordHasher', () => {
  it('hashes to argon2id with the OWASP params, a 16-byte salt and a 32-byte tag', async () => {
    const stored = await hasher.hash(PASSWORD);
    const [, id, version, params, salt, tag] = stored.split('$');
    expect([id, version]).toEqual(['argon2id', 'v=19']);
    expect(params?.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(tag ?? '', 'base64')).toHaveLength(32);
    expect(stored).not.toContain(PASSWORD);
  });

  it('round-trips and rejects a wrong password or a tampered hash', async () => {
    const stored = await hasher.hash(PASSWORD);
    expect(await hasher.verify(stored, PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(await hasher.verify(stored, `${PASSWORD}!`)).toEqual({ ok: false, needsRehash: false });
    expect(await hasher.verify(stored, '')).toEqual({ ok: false, needsRehash: false });
    const reordered = stored.replace('m=19456,p=1,t=2', 'm=19456,t=2,p=1');
    expect(await hasher.verify(reordered, PASSWORD)).toEqual({ ok: true, needsRehash: false });
    const tampered = stored.slice(0, -2) + (stored.at(-2) === 'x' ? 'y' : 'x') + stored.at(-1);
    expect(await hasher.verify(tampered, PASSWORD)).toEqual({ ok: false, needsRehash: false });
  });

  it('salts: two hashes of one password differ', async () => {
    expect(await hasher.hash(PASSWORD)).not.toBe(await hasher.hash(PASSWORD));
  });

  it('flags a hash with older params for rehash', async () => {
    const old = await argon2.hash(PASSWORD, {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 3,
      parallelism: 1,
    });
    expect(await hasher.verify(old, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(old, 'wrong password')).toEqual({ ok: false, needsRehash: false });
    const stronger = createPasswordHasher({ memoryCost: 19_456, timeCost: 3, parallelism: 1 });
    expect(await stronger.verify(await hasher.hash(PASSWORD), PASSWORD)).toEqual({
      ok: true,
      needsRehash: true,
    });
  });

  it('flags a rehash when any one param differs from the current ones, in either direction', async () => {
    const base = { memoryCost: 19_456, timeCost: 3, parallelism: 1 };
    const current = createPasswordHasher(base);
    const variants = [
      { ...base },
      { ...base, memoryCost: 8192 },
      { ...base, memoryCost: 24_576 },
      { ...base, timeCost: 2 },
      { ...base, timeCost: 4 },
      { ...base, parallelism: 2 },
    ];
    const answers = await Promise.all(
      variants.map(async (params) =>
        current.verify(await argon2.hash(PASSWORD, { type: argon2.argon2id, ...params }), PASSWORD),
      ),
    );
    expect(answers.map((answer) => answer.needsRehash)).toEqual([false, true, true, true, true, true]);
    expect(answers.every((answer) => answer.ok)).toBe(true);
  });

  it('verifies imported bcrypt hashes ($2a$, $2b$, $2y$) and always flags them for rehash', async () => {
    const stored = await bcrypt.hash(PASSWORD, 4);
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const variant = prefix + stored.slice(4);
      expect(await hasher.verify(variant, PASSWORD)).toEqual({ ok: true, needsRehash: true });
      expect(await hasher.verify(variant, 'wrong password')).toEqual({ ok: false, needsRehash: false });
    }
  });

  it('returns { ok: false } for garbage, unsupported or out-of-bounds stored hashes, without throwing', async () => {
    const argon2i = await argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 4096, timeCost: 3 });
    const costly = `$argon2id$v=19$m=${2 ** 22},t=2,p=1$c29tZXNhbHRzb21lc2FsdA$${'A'.repeat(43)}`;
    const costlyBcrypt = (await bcrypt.hash(PASSWORD, 4)).replace('$04$', '$31$');
    for (const stored of ['', 'garbage', '$argon2id$v=19$m=19456,t=2,p=1$zzz$yyy', '$2b$04$short', argon2i]) {
      expect(await hasher.verify(stored, PASSWORD)).toEqual({ ok: false, needsRehash: false });
    }
    const started = performance.now();
    expect(await hasher.verify(costly, PASSWORD)).toEqual({ ok: false, needsRehash: false });
    expect(await hasher.verify(costlyBcrypt, PASSWORD)).toEqual({ ok: false, needsRehash: false });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a stored hash above the import caps without computing it', async () => {
    const salt = 'c29tZXNhbHRzb21lc2FsdA';
    const tag = 'A'.repeat(43);
    const abusive = [
      `$argon2id$v=19$m=2097152,t=2,p=16$${salt}$${tag}`,
      `$argon2id$v=19$m=262145,t=1,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=9,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=2,p=17$${salt}$${tag}`,
      `$argon2id$v=19$m=262144,t=5,p=1$${salt}$${tag}`,
    ];
    const bcryptCost4 = await bcrypt.hash(PASSWORD, 4);
    const bcryptCost15 = bcryptCost4.replace('$04$', '$15$');
    const argon2Cheap = await hasher.hash(PASSWORD);
    const argon2Verify = vi.spyOn(argon2, 'verify');
    const bcryptCompare = vi.spyOn(bcrypt, 'compare');
    const started = performance.now();
    for (const stored of [...abusive, bcryptCost15]) {
      expect(isImportableHash(stored), stored).toBe(false);
      expect(await hasher.verify(stored, PASSWORD), stored).toEqual({ ok: false, needsRehash: false });
    }
    // Refused before any hashing (the spies prove it); the bound only catches a refusal that got expensive.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(argon2Verify).not.toHaveBeenCalled();
    expect(bcryptCompare).not.toHaveBeenCalled();
    // The spies do see the calls a hash within the caps makes.
    await hasher.verify(argon2Cheap, 'wrong password');
    await hasher.verify(bcryptCost4, 'wrong password');
    expect(argon2Verify).toHaveBeenCalledTimes(1);
    expect(bcryptCompare).toHaveBeenCalledTimes(1);
  });

  it('verifies imported RFC 9106 second-option hashes (m=64 MiB, t=3, p=4)', async () => {
    const stored = await argon2.hash(PASSWORD, {
      type: argon2.argon2id,
      memoryCost: 65_536,
      timeCost: 3,
      parallelism: 4,
    });
    expect(isImportableHash(stored)).toBe(true);
    expect(await hasher.verify(stored, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(stored, 'wrong password')).toEqual({ ok: false, needsRehash: false });
  });

  it('always verifies hashes with its own params, even above the import caps', async () => {
    const strong = createPasswordHasher({ memoryCost: 19_456, timeCost: 10, parallelism: 1 });
    const stored = await strong.hash(PASSWORD);
    expect(await strong.verify(stored, PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(isImportableHash(stored, strong.params)).toBe(true);
    // Above the caps and above the default hasher's params: neither imported nor computed there.
    expect(isImportableHash(stored)).toBe(false);
    expect(isImportableHash(stored, hasher.params)).toBe(false);
    expect(await hasher.verify(stored, PASSWORD)).toEqual({ ok: false, needsRehash: false });
  });

  it('normalises with NFKC: the ligature "ﬁ" and "fi" are the same password', async () => {
    expect((await hasher.verify(await hasher.hash('ﬁle cabinet zebra'), 'file cabinet zebra')).ok).toBe(true);
    expect((await hasher.verify(await hasher.hash('file cabinet zebra'), 'ﬁle cabinet zebra')).ok).toBe(true);
  });

  it('still verifies an imported hash of the raw (non-NFKC) password, and flags it for rehash', async () => {
    const raw = 'ﬁle cabinet zebra';
    const importedArgon2 = await argon2.hash(raw, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2 });
    const importedBcrypt = await bcrypt.hash(raw, 4);
    for (const stored of [importedArgon2, importedBcrypt]) {
      expect(await hasher.verify(stored, raw)).toEqual({ ok: true, needsRehash: true });
      expect(await hasher.verify(stored, 'file cabinet zebra')).toEqual({ ok: false, needsRehash: false });
    }
  });

  it('verifyDummy runs a real argon2 verification and resolves', async () => {
    await hasher.verifyDummy('warm-up');
    const verify = vi.spyOn(argon2, 'verify');
    const started = performance.now();
    await expect(hasher.verifyDummy('any password')).resolves.toBeUndefined();
    expect(performance.now() - started).toBeGreaterThan(1);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]?.[0]).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('verifyDummy reuses one dummy hash', async () => {
    const fresh = createPasswordHasher(DEFAULT_PASSWORD_HASH_PARAMS);
    const hash = vi.spyOn(argon2, 'hash');
    await Promise.all([fresh.verifyDummy('a'), fresh.verifyDummy('b')]);
    await fresh.verifyDummy('c');
    expect(hash).toHaveBeenCalledTimes(1);
  });

  it('exposes a frozen copy of its params', () => {
    const params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
    const own = createPasswordHasher(params);
    params.timeCost = 9;
    expect(own.params).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(Object.isFrozen(own.params)).toBe(true);
  });

  it.each([
    [{ memoryCost: 19_455, timeCost: 2, parallelism: 1 }, 'argon2MemoryCost'],
    [{ memoryCost: 2 ** 22 + 1, timeCost: 2, parallelism: 1 }, 'argon2MemoryCost'],
    [{ memoryCost: 19_456, timeCost: 101, parallelism: 1 }, 'argon2TimeCost'],
    [{ memoryCost: 19_456 * 64, timeCost: 2, parallelism: 65 }, 'argon2Parallelism'],
    [{ memoryCost: 19_456, timeCost: 1, parallelism: 1 }, 'argon2TimeCost'],
    [{ memoryCost: 19_456, timeCost: 2.5, parallelism: 1 }, 'argon2TimeCost'],
    [{ memoryCost: 19_456, timeCost: 2, parallelism: 0 }, 'argon2Parallelism'],
    [{ memoryCost: Number.NaN, timeCost: 2, parallelism: 1 }, 'argon2MemoryCost'],
  ])('rejects weak or invalid params %o, naming the setting', (params, field) => {
    expect(() => createPasswordHasher(params)).toThrow(
      expect.objectContaining({ code: 'CONFIG_OUT_OF_RANGE', field }),
    );
  });
});

describe('isImportableHash', () => {
  it('accepts argon2id PHC strings and bcrypt hashes', async () => {
    const bcryptHash = await bcrypt.hash(PASSWORD, 4);
    expect(isImportableHash(await hasher.hash(PASSWORD))).toBe(true);
    expect(
      isImportableHash((await hasher.hash(PASSWORD)).replace('m=19456,p=1,t=2', 'm=19456,t=2,p=1')),
    ).toBe(true);
    expect(
      isImportableHash(await argon2.hash(PASSWORD, { memoryCost: 4096, timeCost: 3, parallelism: 1 })),
    ).toBe(true);
    expect(isImportableHash(bcryptHash)).toBe(true);
    expect(isImportableHash(`$2a$${bcryptHash.slice(4)}`)).toBe(true);
    expect(isImportableHash(`$2y$${bcryptHash.slice(4)}`)).toBe(true);
    expect(isImportableHash(bcryptHash.replace('$04$', '$12$'))).toBe(true);
    expect(isImportableHash(bcryptHash.replace('$04$', '$14$'))).toBe(true);
  });

  it.each([
    ['RFC 9106 second option', 'm=65536,t=3,p=4'],
    ['OWASP 1', 'm=47104,t=1,p=1'],
    ['OWASP 2 (our default)', 'm=19456,t=2,p=1'],
    ['OWASP 3', 'm=12288,t=3,p=1'],
    ['OWASP 4', 'm=9216,t=4,p=1'],
    ['OWASP 5', 'm=7168,t=5,p=1'],
    ['libsodium INTERACTIVE', 'm=65536,t=2,p=1'],
    ['libsodium MODERATE', 'm=262144,t=3,p=1'],
    ['PHP password_hash', 'm=65536,t=4,p=1'],
    ['Django / old argon2-cffi', 'm=102400,t=2,p=8'],
    ['at every cap', 'm=131072,t=8,p=16'],
  ])('accepts the %s configuration (%s)', async (_name, params) => {
    const own = await hasher.hash(PASSWORD);
    expect(isImportableHash(own.replace('m=19456,p=1,t=2', params))).toBe(true);
  });

  it('accepts, given current params, hashes no costlier than them in any param', async () => {
    const own = await hasher.hash(PASSWORD);
    const current = { memoryCost: 2 ** 20, timeCost: 12, parallelism: 32 };
    const at = (params: string) => own.replace('m=19456,p=1,t=2', params);
    expect(isImportableHash(at('m=1048576,t=12,p=32'), current)).toBe(true);
    expect(isImportableHash(at('m=524288,t=10,p=1'), current)).toBe(true);
    expect(isImportableHash(at('m=1048577,t=12,p=32'), current)).toBe(false);
    expect(isImportableHash(at('m=524288,t=13,p=1'), current)).toBe(false);
    expect(isImportableHash(at('m=524288,t=2,p=33'), current)).toBe(false);
  });

  it('rejects anything else', async () => {
    const own = await hasher.hash(PASSWORD);
    const [, , , params, salt, tag] = own.split('$');
    const bcryptHash = await bcrypt.hash(PASSWORD, 4);
    const rejected = [
      '',
      'garbage',
      own.replace('argon2id', 'argon2i'),
      own.replace('argon2id', 'argon2d'),
      await argon2.hash(PASSWORD, { type: argon2.argon2i }),
      own.replace('v=19', 'v=16'),
      own.replace('$v=19', ''),
      own.replace('m=19456', 'm=019456'),
      own.replace('p=1', 'm=1'),
      own.replace('m=19456,p=1,t=2', 't=2,p=1,m=19456,m=19456'),
      own.replace('m=19456,p=1,t=2', 'm=19456,t=2'),
      own.replace('t=2', 't=0'),
      own.replace('m=19456', `m=${2 ** 22}`),
      own.replace('m=19456', 'm=262145'),
      own.replace('t=2', 't=9'),
      own.replace('p=1', 'p=17'),
      own.replace('m=19456,p=1,t=2', 'm=262144,p=1,t=5'),
      own.replace('m=19456,p=1,t=2', 'm=2097152,p=4,t=1'),
      own.replace('m=19456,p=1,t=2', 'm=8,p=2,t=2'),
      own.replace(`${params}`, `${params},data=YWJj`),
      `$argon2id$v=19$${params}$${salt}=$${tag}`,
      `$argon2id$v=19$${params}$${nonCanonical(salt ?? '')}$${tag}`,
      `$argon2id$v=19$${params}$${salt}$${tag?.slice(0, 10)}`,
      `${own}\n`,
      ` ${own}`,
      `$2x$${bcryptHash.slice(4)}`,
      `$2$${bcryptHash.slice(4)}`,
      bcryptHash.replace('$04$', '$03$'),
      bcryptHash.replace('$04$', '$32$'),
      bcryptHash.replace('$04$', '$15$'),
      bcryptHash.replace('$04$', '$17$'),
      bcryptHash.slice(0, -1),
      `${bcryptHash}A`,
      `${bcryptHash.slice(0, -1)}!`,
    ];
    for (const value of rejected) expect(isImportableHash(value), value).toBe(false);
  });
});
