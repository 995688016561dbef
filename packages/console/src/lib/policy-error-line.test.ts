import { describe, expect, it } from 'vitest';
import { indexText, lineOfServerError, parseFieldPath } from './policy-error-line.js';

const YAML = [
  'version: 1', // 1
  'purposes:', // 2
  '  - support', // 3
  'roles:', // 4
  '  admin:', // 5
  '    rules:', // 6
  '      - effect: allow', // 7
  '        actions: [read, write]', // 8
  '        resources:', // 9
  "          - 'collections/*'", // 10
  '      - effect: maybe', // 11
  '        actions:', // 12
  '          - read', // 13
  '          - fly', // 14
].join('\n');

describe('field paths', () => {
  it('splits dotted and indexed parts, numbers as numbers, without the body prefix', () => {
    expect(parseFieldPath('body.roles.admin.rules[1].actions[1]')).toEqual([
      'roles',
      'admin',
      'rules',
      1,
      'actions',
      1,
    ]);
    expect(parseFieldPath('body.roles.1')).toEqual(['roles', 1]);
    expect(parseFieldPath('$.purposes[0]')).toEqual(['purposes', 0]);
    expect(parseFieldPath('body')).toEqual([]);
  });
});

describe('the line of a path in the policy text', () => {
  const index = indexText(YAML);

  it('finds keys and list items of YAML at their line', () => {
    expect(index.lineOf(['version'])).toEqual({ line: 1, exact: true });
    expect(index.lineOf(['purposes', 0])).toEqual({ line: 3, exact: true });
    expect(index.lineOf(['roles', 'admin', 'rules', 1, 'effect'])).toEqual({ line: 11, exact: true });
    expect(index.lineOf(['roles', 'admin', 'rules', 1, 'actions', 1])).toEqual({ line: 14, exact: true });
    expect(index.lineOf(['roles', 'admin', 'rules', 0, 'actions', 1])).toEqual({ line: 8, exact: true });
  });

  it('points a path past the text at the deepest part that exists', () => {
    expect(index.lineOf(['roles', 'admin', 'rules', 1, 'resources'])).toEqual({ line: 11, exact: false });
    expect(index.lineOf(['roles', 'auditor'])).toEqual({ line: 4, exact: false });
    expect(index.lineOf(['roles', 'admin', 'rules', 7])).toEqual({ line: 6, exact: false });
  });

  it('finds paths in JSON text as well', () => {
    const json =
      '{\n  "version": 1,\n  "roles": {\n    "a": {\n      "rules": [\n        {"effect": "x"}\n      ]\n    }\n  }\n}';
    expect(indexText(json).lineOf(['roles', 'a', 'rules', 0, 'effect'])).toEqual({ line: 6, exact: true });
  });

  it('reports a parse error at its line, and none for good text', () => {
    expect(index.parseError()).toBeNull();
    const broken = indexText('version: 1\nroles:\n  admin: [unclosed\npurposes: []');
    expect(broken.parseError()?.line).toBeGreaterThanOrEqual(3);
    expect(indexText('a:\n\t- b').parseError()?.line).toBe(2);
    expect(indexText('a: 1\nb: 2\nb: 3').parseError()?.line).toBe(3);
  });
});

describe('the line of a server error', () => {
  it('takes the line a parse error names, else the line of its field', () => {
    expect(lineOfServerError(YAML, { message: 'body is not valid YAML at line 9, column 3' })).toBe(9);
    expect(
      lineOfServerError(YAML, {
        field: 'body.roles.admin.rules[1].effect',
        message: 'must be allow or deny',
      }),
    ).toBe(11);
    expect(lineOfServerError(YAML, { message: 'The request is not valid' })).toBe(1);
  });
});
