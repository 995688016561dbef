/**
 * `check openapi`'s findings do not depend on where a schema is written: a secret property is `secret-in-response`
 * wherever a response returns it (inline, in `components/responses`, behind a `$ref`, under `allOf`), and
 * `secret-not-write-only` wherever a request, a parameter or a header takes it, or nothing uses it (a schema only
 * responses use cannot be writeOnly); each is reported once, where the property is defined.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  documentOf,
  ERRORS,
  json,
  keysOf,
  nameFindings,
  objectOf,
  responding,
  spell,
} from './openapi-doc.js';

type Obj = Record<string, unknown>;

interface Placement {
  readonly document: Obj;
  /** Where the property is defined. */
  readonly pointer: string;
  readonly returned: boolean;
}

const MEDIA = 'content/application~1json/schema';
const ok = (extra: Obj = {}) => ({ 204: { description: 'ok' }, ...ERRORS, ...extra });

const PLACEMENTS: Record<string, (property: Obj) => Placement> = {
  'inline in a response': (property) => ({
    document: responding(objectOf(property)),
    pointer: `/paths/~1r/get/responses/200/${MEDIA}/properties`,
    returned: true,
  }),
  'in components/schemas, by $ref from a response array': (property) => ({
    document: responding(
      { type: 'array', maxItems: 5, items: { $ref: '#/components/schemas/Thing' } },
      { schemas: { Thing: objectOf(property) } },
    ),
    pointer: '/components/schemas/Thing/properties',
    returned: true,
  }),
  'in components/responses': (property) => ({
    document: documentOf(
      { '/r': { get: { responses: { 200: { $ref: '#/components/responses/Ok' }, ...ERRORS } } } },
      { responses: { Ok: { description: 'ok', ...json(objectOf(property)) } } },
    ),
    pointer: `/components/responses/Ok/${MEDIA}/properties`,
    returned: true,
  }),
  'under allOf in a response': (property) => ({
    document: responding({ allOf: [objectOf(property)] }),
    pointer: `/paths/~1r/get/responses/200/${MEDIA}/allOf/0/properties`,
    returned: true,
  }),
  'inline in a request body': (property) => ({
    document: documentOf({ '/r': { post: { requestBody: json(objectOf(property)), responses: ok() } } }),
    pointer: `/paths/~1r/post/requestBody/${MEDIA}/properties`,
    returned: false,
  }),
  'in components/requestBodies': (property) => ({
    document: documentOf(
      { '/r': { post: { requestBody: { $ref: '#/components/requestBodies/In' }, responses: ok() } } },
      { requestBodies: { In: json(objectOf(property)) } },
    ),
    pointer: `/components/requestBodies/In/${MEDIA}/properties`,
    returned: false,
  }),
  "in a parameter's schema": (property) => ({
    document: documentOf({
      '/r': {
        get: {
          parameters: [{ name: 'filter', in: 'query', style: 'deepObject', schema: objectOf(property) }],
          responses: ok(),
        },
      },
    }),
    pointer: '/paths/~1r/get/parameters/0/schema/properties',
    returned: false,
  }),
  "in a response header's schema": (property) => ({
    document: documentOf({
      '/r': {
        get: {
          responses: ok({ 200: { description: 'r', headers: { 'X-Meta': { schema: objectOf(property) } } } }),
        },
      },
    }),
    pointer: '/paths/~1r/get/responses/200/headers/X-Meta/schema/properties',
    returned: false,
  }),
  'in an unused component schema': (property) => ({
    document: documentOf({ '/r': { get: { responses: ok() } } }, { schemas: { Spare: objectOf(property) } }),
    pointer: '/components/schemas/Spare/properties',
    returned: false,
  }),
};

const S = { type: 'string', maxLength: 64 };

describe('check openapi: findings wherever the schema is written', () => {
  it.each(Object.keys(PLACEMENTS))('clientSecret %s', async (where) => {
    const place = PLACEMENTS[where];
    if (place === undefined) throw new Error(where);
    const { document, pointer, returned } = place({ clientSecret: S });
    // Returned only: reported as returned; a schema no response uses: held to writeOnly.
    const expected = [`${returned ? 'secretInResponse' : 'secretNotWriteOnly'} ${pointer}/clientSecret`];
    expect(keysOf(await nameFindings(document))).toEqual(expected.sort());
  });

  const STEMS = [['api', 'key'], ['access', 'token'], ['refresh', 'token'], ['private', 'key'], ['password']];
  const FLAGS = [{}, { writeOnly: true }, { format: 'masked' }, { enum: ['a'] }, { const: 'x' }];

  it('for any secret name, spelling, placement and declaration, the same rules fire, once, where it is defined', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STEMS),
        fc.nat(5),
        fc.constantFrom(...Object.values(PLACEMENTS)),
        fc.constantFrom(...FLAGS),
        async (stem, style, place, flags) => {
          const name = spell(stem, style);
          const { document, pointer, returned } = place({ [name]: { ...S, ...flags } });
          const fixed = 'enum' in flags || 'const' in flags;
          const expected: string[] = [];
          if (!fixed && !returned && !('writeOnly' in flags))
            expected.push(`secretNotWriteOnly ${pointer}/${name}`);
          if (!fixed && returned && Object.keys(flags).length === 0)
            expected.push(`secretInResponse ${pointer}/${name}`);
          expect(keysOf(await nameFindings(document))).toEqual(expected.sort());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a component used by requests, responses, parameters and other components is reported once, where defined', async () => {
    const ref = { $ref: '#/components/schemas/Keys' };
    const document = documentOf(
      {
        '/a': {
          get: {
            parameters: [{ name: 'f', in: 'query', style: 'deepObject', schema: ref }],
            responses: { 200: { description: 'a', ...json(ref) }, ...ERRORS },
          },
          post: { requestBody: json({ type: 'array', maxItems: 2, items: ref }), responses: ok() },
        },
        '/b': { get: { responses: { 200: { $ref: '#/components/responses/Keys' }, ...ERRORS } } },
      },
      {
        schemas: { Keys: objectOf({ refresh_token: S }), Wrapper: objectOf({ keys: ref }) },
        responses: { Keys: { description: 'k', ...json(ref) } },
      },
    );
    expect(keysOf(await nameFindings(document))).toEqual([
      'secretInResponse /components/schemas/Keys/properties/refresh_token',
      'secretNotWriteOnly /components/schemas/Keys/properties/refresh_token',
    ]);
  });
});
