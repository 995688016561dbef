/**
 * `check openapi`'s name rules (found comparing with Spectral's OWASP ruleset on GitHub's and Stripe's specs):
 * named bearer credentials (`apiKey`, `access_token`, `refreshToken`…) are secrets in any spelling, names about a
 * secret (`apiKeyId`, `tokenType`, `secretName`, `keyId`) are not; a property or URL parameter whose values the
 * document fixes (`enum`, `const`) holds no secret and no personal data; an identity number in a URL is called
 * personal data, under the same rule id.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameFindings, objectOf, responding, spell, taking } from './openapi-doc.js';

const S = { type: 'string', maxLength: 64 };

/** Rules that fire on a response property `name` of schema `schema`. */
async function rulesFor(name: string, schema: object = S): Promise<string[]> {
  return (await nameFindings(responding(objectOf({ [name]: schema })))).map((f) => f.rule).sort();
}

// Returned only: a schema no request uses is not held to writeOnly (secretInResponse covers it).
const SECRET = ['secretInResponse'];
const SECRET_NAMES = [
  'apiKey',
  'api_key',
  'APIKey',
  'apikey',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'privateKey',
  'private_key',
  'clientSecret',
  'client_secret',
  'idToken',
  'api_token',
  'X-Api-Token',
  'sessionToken',
  'aws_access_key',
  'password',
];
const NEAR_MISSES = [
  'apiKeyId',
  'api_key_id',
  'tokenType',
  'token_type',
  'secretName',
  'keyId',
  'key',
  'token',
  'nextPageToken',
  'accessTokenExpiresAt',
  'refresh_token_expires_in',
  'access_token_url',
  'api_key_fingerprint',
  'passwordHint',
  'secret_scanning',
];

describe('check openapi: secret names', () => {
  it.each(SECRET_NAMES)('%s in a response is a secret, reported as returned', async (name) => {
    expect(await rulesFor(name)).toEqual(SECRET);
  });

  it.each(NEAR_MISSES)('%s is about a secret, not the secret', async (name) => {
    expect(await rulesFor(name)).toEqual([]);
  });

  const STEMS = [
    ['api', 'key'],
    ['access', 'token'],
    ['refresh', 'token'],
    ['private', 'key'],
    ['client', 'secret'],
  ];
  const ABOUT = [['id'], ['type'], ['name'], ['hint'], ['prefix'], ['expires', 'at'], ['url']];

  it('a credential name is a secret in every spelling, and a name about it in none', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STEMS),
        fc.constantFrom(...ABOUT),
        fc.nat(5),
        async (stem, about, style) => {
          expect(await rulesFor(spell(stem, style))).toEqual(SECRET);
          expect(await rulesFor(spell([...stem, ...about], style))).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('check openapi: fixed values are neither secrets nor personal data', () => {
  it.each([
    ['email_addresses', { type: 'string', enum: ['read', 'write'] }, ['piiInResponse']],
    ['password', { type: 'string', const: '********' }, SECRET],
    ['ssn', { oneOf: [{ const: 'none' }, { const: 'redacted' }] }, ['piiInResponse']],
    ['apiKey', { allOf: [{ $ref: '#/components/schemas/Mode' }] }, SECRET],
    ['phone', { type: ['string', 'null'], enum: ['mobile', 'landline', null] }, ['piiInResponse']],
  ])('%s with %j: nothing (without the fixed values: %j)', async (name, schema, without) => {
    const components = { schemas: { Mode: { type: 'string', enum: ['test', 'live'] } } };
    const fixed = responding(objectOf({ [name]: schema }), components);
    expect(await nameFindings(fixed)).toEqual([]);
    expect(await rulesFor(name)).toEqual(without);
  });

  const SENSITIVE = [
    'email',
    'ssn',
    'card_number',
    'date_of_birth',
    'phone',
    'password',
    'apiKey',
    'access_token',
  ];
  const json = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));

  it('any enum or const on any sensitive name silences the name rules, in a response or a request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SENSITIVE),
        fc.oneof(
          fc.array(json, { maxLength: 4 }).map((values) => ({ enum: values })),
          json.map((value) => ({ const: value })),
        ),
        async (name, fixed) => {
          const property = objectOf({ [name]: { type: 'string', maxLength: 64, ...fixed } });
          expect(await nameFindings(responding(property))).toEqual([]);
          const request = taking([{ name: 'q', in: 'query', style: 'deepObject', schema: property }]);
          expect(await nameFindings(request)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('check openapi: credentials and personal data in URLs', () => {
  const param = (name: string, where: string, schema: object) => ({
    name,
    in: where,
    required: true,
    schema,
  });
  const components = { schemas: { Kind: { const: 'live' } } };

  it.each([
    ['access_token', 'query', { type: 'string', enum: ['a', 'b'] }],
    ['ssn', 'path', { type: 'string', enum: ['self'] }],
    ['email', 'query', { type: 'array', items: { type: 'string', enum: ['primary', 'all'] } }],
    ['api_key', 'query', { $ref: '#/components/schemas/Kind' }],
    ['password', 'query', { type: 'string', const: 'none' }],
  ])(
    '%s in the %s with fixed values (%j) is a choice, not a credential or personal data',
    async (name, where, schema) => {
      expect(await nameFindings(taking([param(name, where, schema)], components))).toEqual([]);
      expect(await nameFindings(taking([param(name, where, S)]))).toHaveLength(1);
    },
  );

  it.each([
    ['ssn', 'path', 'credentialInUrl', 'carries personal data'],
    ['card_number', 'query', 'credentialInUrl', 'carries personal data'],
    ['email', 'query', 'piiInUrl', 'carries personal data'],
    ['password', 'query', 'credentialInUrl', 'carries a credential'],
    ['cvv', 'query', 'credentialInUrl', 'carries a credential'],
    ['api_key', 'query', 'credentialInUrl', 'carries a credential'],
  ])('%s in the %s: %s, which %s', async (name, where, rule, carries) => {
    const [finding, ...more] = await nameFindings(taking([param(name, where, S)]));
    expect(more).toEqual([]);
    expect(finding?.rule).toBe(rule);
    expect(finding?.message).toBe(`${where} parameter "${name}" of GET /r ${carries}`);
  });
});
