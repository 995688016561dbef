import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import {
  decodeFieldList,
  decodeNullableScalarRecord,
  decodePublicJwk,
  decodeScalarRecord,
  decodeStringArray,
  decodeStringRecord,
} from './json-column.js';
import { toUserRecord } from './user-store.js';

const userRow = {
  id: 'u1',
  username: 'alice',
  username_key: 'alice',
  password_hash: 'x',
  roles: '["user"]',
  disabled: 0,
  credential_version: 1,
  created_at: 0,
  updated_at: 0,
  subject: null,
  subject_hash: 's1',
  subject_sealed: 'sr1:s_x:1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA',
  attributes: '{"tenant_id":"t1"}',
};

function codeOf(work: () => unknown): string | null {
  try {
    work();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
}

describe('JSON column decoders', () => {
  it('decode well-formed columns', () => {
    expect(toUserRecord(userRow as never)).toMatchObject({
      roles: ['user'],
      attributes: { tenant_id: 't1' },
    });
    expect(decodeNullableScalarRecord('c', '{"a":null,"b":1}')).toEqual({ a: null, b: 1 });
  });

  it('answer INTERNAL_ERROR for a corrupt roles or attributes column, without echoing it', () => {
    for (const roles of ['not json', '{"0":"admin"}', '["user",1]', 'null']) {
      expect(codeOf(() => toUserRecord({ ...userRow, roles } as never))).toBe('INTERNAL_ERROR');
    }
    for (const attributes of ['[', '[]', '"x"', '{"a":{"b":1}}', '{"a":null}']) {
      expect(codeOf(() => toUserRecord({ ...userRow, attributes } as never))).toBe('INTERNAL_ERROR');
    }
    try {
      decodeStringArray('users.roles', '["secret-canary", 7]');
    } catch (error) {
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('secret-canary');
    }
  });

  it('give back every string array they are given, and refuse every other JSON value', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (roles) => {
        expect(decodeStringArray('c', JSON.stringify(roles))).toEqual(roles);
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const isStrings = Array.isArray(value) && value.every((v) => typeof v === 'string');
        const code = codeOf(() => decodeStringArray('c', JSON.stringify(value)));
        expect(code).toBe(isStrings ? null : 'INTERNAL_ERROR');
      }),
    );
  });

  it('refuse non-scalar attribute values', () => {
    expect(codeOf(() => decodeScalarRecord('c', '{"a":[1]}'))).toBe('INTERNAL_ERROR');
    expect(decodeScalarRecord('c', '{"a":1,"b":true,"c":"x"}')).toEqual({ a: 1, b: true, c: 'x' });
  });
});

describe('record, collection and key columns', () => {
  const field = { name: 'ssn', type: 'ssn', sensitive: true, searchable: true, required: false };

  it('decode what the services store', () => {
    expect(decodeStringRecord('records.sealed_fields', '{"ssn":"v1.abc"}')).toEqual({ ssn: 'v1.abc' });
    expect(decodeFieldList('collections.fields', JSON.stringify([field]))).toEqual([field]);
    expect(
      decodePublicJwk('signing_keys.public_jwk', '{"kty":"OKP","crv":"Ed25519","x":"AA"}'),
    ).toMatchObject({
      kty: 'OKP',
    });
  });

  it('refuse every wrongly shaped value with INTERNAL_ERROR', () => {
    for (const text of ['nope', '[]', '{"a":1}', '{"a":null}', 'null'])
      expect(codeOf(() => decodeStringRecord('c', text))).toBe('INTERNAL_ERROR');
    for (const bad of [{}, { ...field, name: 1 }, { ...field, sensitive: 'yes' }, null, 'ssn'])
      expect(codeOf(() => decodeFieldList('c', JSON.stringify([bad])))).toBe('INTERNAL_ERROR');
    expect(codeOf(() => decodeFieldList('c', '{"name":"x"}'))).toBe('INTERNAL_ERROR');
    // A stored private key where a public one belongs is refused, never published.
    for (const text of ['{}', '{"kty":1}', '{"kty":"OKP","x":"AA","d":"secret"}', '[]'])
      expect(codeOf(() => decodePublicJwk('c', text))).toBe('INTERNAL_ERROR');
  });

  it('give back every object of strings, and refuse any other value inside it', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (value) => {
        expect(decodeStringRecord('c', JSON.stringify(value))).toEqual(value);
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), (value) => {
        const allStrings = Object.values(value).every((v) => typeof v === 'string');
        expect(codeOf(() => decodeStringRecord('c', JSON.stringify(value)))).toBe(
          allStrings ? null : 'INTERNAL_ERROR',
        );
      }),
    );
  });
});
