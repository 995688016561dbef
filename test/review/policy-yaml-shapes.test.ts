/**
 * Review (issue 10): a YAML policy body is one document of plain maps, lists and scalars. An alias may name a node
 * that holds it (`&a [*a]`), which the yaml library turns into a circular value without counting it as an
 * expansion; and a stream of several documents parsed with `parseDocument` kept the first and dropped the rest in
 * silence, so a rule written after `---` was never in force; a `%YAML 1.1` directive switched to a schema where
 * `yes` is true, `0777` is 511 and `<<` merges maps. All must be typed 400s naming `body` that store
 * nothing, answered at once, as the policy file's loader refuses them.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultPolicyDocument } from '../../src/policy/index.js';
import { MAX_FLOW_DEPTH, parsePolicyYaml } from '../../src/services/index.js';
import { createTestApp, loggedInUser, type TestApp } from '../helpers/test-app.js';

const policyYaml = stringify(defaultPolicyDocument());
const shapes = {
  // The admin role's rules hold themselves.
  'a self-referencing alias': policyYaml.replace('admin:\n', 'admin: &loop\n    again: *loop\n'),
  'a list holding itself': 'version: 1\npurposes: &p [*p]\nroles: {}\n',
  'a second document': `${policyYaml}---\n${policyYaml}`,
  'an empty second document': `${policyYaml}---\n`,
  // Under YAML 1.1, `<<` merges another map in and `yes` is true: not what the same text means in YAML 1.2.
  'a YAML 1.1 directive': `%YAML 1.1\n---\n${policyYaml}`,
  // The parser spends about a second of CPU on this before it refuses; the lexer's depth check stops it at once.
  '200 KB of nested flow lists': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
};

describe('YAML policy bodies of unusual shapes', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp();
    headers = { ...(await loggedInUser(t, ['admin'])).headers, 'content-type': 'application/yaml' };
  });
  afterAll(() => t?.close());

  it.each(Object.entries(shapes))('refuses %s with a typed 400 and stores nothing', async (_name, body) => {
    expect(parsePolicyYaml(body).ok).toBe(false);
    const before = t.services.policies.current().version;
    const response = await t.app.inject({ method: 'PUT', url: '/v1/policies', headers, payload: body });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
    expect(t.services.policies.current().version).toBe(before);
  });

  it('still accepts the one plain document, with anchors and aliases that do not loop', async () => {
    const body = `${policyYaml}x-shared: &s [a, b]\nx-again: *s\n`;
    const parsed = parsePolicyYaml(body);
    expect(parsed.ok && (parsed.document as Record<string, unknown>)['x-again']).toEqual(['a', 'b']);
    expect(parsePolicyYaml(policyYaml)).toEqual({ ok: true, document: defaultPolicyDocument() });
  });

  it('refuses flow collections nested deeper than the limit, at the bracket, and counts no quoted bracket', () => {
    const open = fc.constantFrom('[', '{a: ');
    const close = (o: string) => (o === '[' ? ']' : '}');
    const quoted = fc.constantFrom("'[{ it''s ['", '"[[{\\"["', 'plain');
    fc.assert(
      fc.property(fc.array(open, { minLength: 1, maxLength: 60 }), quoted, (opens, decoy) => {
        const text = `x: ${opens.join('')}${decoy}${opens.map(close).reverse().join('')}\n`;
        const outcome = parsePolicyYaml(text);
        if (opens.length <= MAX_FLOW_DEPTH) {
          expect(outcome.ok).toBe(true);
          return;
        }
        const column = 4 + opens.slice(0, MAX_FLOW_DEPTH).join('').length;
        expect(outcome).toEqual({
          ok: false,
          problem: expect.stringContaining('deeper than'),
          line: 1,
          column,
        });
      }),
    );
  });
});
