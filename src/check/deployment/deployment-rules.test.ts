import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_RULE_LIST } from './deployment-rules.js';

/** docs/checks.md's deployment table: id → [severity, why it matters]. */
function documentedRules(): Map<string, [string, string]> {
  const rows = new Map<string, [string, string]>();
  for (const line of fs.readFileSync('docs/checks.md', 'utf8').split('\n')) {
    const match = /^\| `(deployment\/[^`]+)` \| (\w+) \| .*? \| (.*?) \| [^|]*\|$/.exec(line);
    if (match?.[1] && match[2] && match[3]) rows.set(match[1], [match[2], match[3]]);
  }
  return rows;
}

describe('deployment rules', () => {
  it('say why they matter as docs/checks.md does (the console shows this text)', () => {
    const documented = documentedRules();
    expect([...documented.keys()].sort()).toEqual(DEPLOYMENT_RULE_LIST.map((rule) => rule.id).sort());
    for (const rule of DEPLOYMENT_RULE_LIST) {
      const [severity, why] = documented.get(rule.id) ?? ['', ''];
      expect(severity, rule.id).toBe(rule.severity);
      const sentence = `${why.charAt(0).toUpperCase()}${why.slice(1)}.`;
      expect(rule.why.replace(/^bcrypt/, 'Bcrypt'), rule.id).toBe(sentence);
    }
  });
});
