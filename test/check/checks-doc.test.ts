/** docs/checks.md documents every finding id of every check, with its severity, and names no id that does not exist. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEPLOYMENT_RULE_LIST,
  LOG_RULE_LIST,
  OPENAPI_RULE_LIST,
  URL_RULE_LIST,
} from '../../src/check/index.js';

const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/checks.md'), 'utf8');

describe('docs/checks.md', () => {
  const rules = [...DEPLOYMENT_RULE_LIST, ...LOG_RULE_LIST, ...OPENAPI_RULE_LIST, ...URL_RULE_LIST];

  it.each(rules.map((rule) => [rule.id, rule]))('documents %s with its severity', (_, rule) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${rule.id}\` |`));
    expect(row, `no table row for ${rule.id}`).toBeDefined();
    expect(row?.split('|')[2]?.trim().startsWith(rule.severity)).toBe(true);
  });

  it('names no finding id that does not exist', () => {
    const known = new Set(rules.map((rule) => rule.id));
    const named = [...doc.matchAll(/`((?:deployment|logs|openapi|url)\/[a-z0-9-]+)`/g)].map((m) => m[1]);
    expect(named.filter((id) => id !== undefined && !known.has(id))).toEqual([]);
  });

  it('keeps ids unique', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });
});
