/**
 * Small OpenAPI 3.1 documents for the `check openapi` rule tests: HTTPS, bearer security and a `4XX` response on
 * every operation, so only the rules under test fire; and the findings of a document as `rule pointer` lines.
 */
import { runOpenApiRules } from '../../src/check/index.js';

type Obj = Record<string, unknown>;

/** The rules about names: secrets and personal data in schemas and URLs. */
export const NAME_RULES = new Set([
  'secretInResponse',
  'secretNotWriteOnly',
  'piiInResponse',
  'credentialInUrl',
  'piiInUrl',
]);

export const ERRORS = { '4XX': { description: 'error' } };

export const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

export const objectOf = (properties: Obj) => ({ type: 'object', properties });

export function documentOf(paths: Obj, components: Obj = {}): Obj {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://api.example' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, ...components },
    paths,
  };
}

/** A document with one GET /r whose 200 response is `schema`. */
export const responding = (schema: unknown, components: Obj = {}) =>
  documentOf(
    { '/r': { get: { responses: { 200: { description: 'r', ...json(schema) }, ...ERRORS } } } },
    components,
  );

/** A document with one GET /r taking `parameters`. */
export const taking = (parameters: unknown[], components: Obj = {}) =>
  documentOf(
    { '/r': { get: { parameters, responses: { 204: { description: 'r' }, ...ERRORS } } } },
    components,
  );

export interface NameFinding {
  readonly rule: string;
  readonly pointer: string;
  readonly message: string;
}

/** The name-rule findings of a document. */
export async function nameFindings(document: Obj): Promise<NameFinding[]> {
  const found: NameFinding[] = [];
  await runOpenApiRules(document, ({ rule, pointer, message }) => {
    if (NAME_RULES.has(rule)) found.push({ rule, pointer, message });
  });
  return found;
}

/** `rule pointer`, sorted. */
export const keysOf = (findings: readonly NameFinding[]): string[] =>
  findings.map(({ rule, pointer }) => `${rule} ${pointer}`).sort();

/** `name` as `apiKey`, `ApiKey`, `api_key`, `API_KEY`, `api-key` or `Api-Key` (header style). */
export function spell(words: readonly string[], style: number): string {
  const cap = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  switch (style % 6) {
    case 0:
      return words.map((word, i) => (i === 0 ? word : cap(word))).join('');
    case 1:
      return words.map(cap).join('');
    case 2:
      return words.join('_');
    case 3:
      return words.join('_').toUpperCase();
    case 4:
      return words.join('-');
    default:
      return words.map(cap).join('-');
  }
}
