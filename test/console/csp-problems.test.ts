/** The CSP check every console browser test relies on (test/helpers/console-browser.ts) flags each weakening. */
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/http/console-page.js';
import { cspProblems } from '../helpers/console-browser.js';

const answer = (csp: string | null) => [{ url: '/console/', status: 200, csp }];

describe('cspProblems', () => {
  it("passes the console's own policy", () => {
    expect(cspProblems(answer(CONSOLE_CSP))).toEqual([]);
  });

  it.each([
    ['no header', null, 'no Content-Security-Policy'],
    [
      'a wider default-src',
      CONSOLE_CSP.replace("default-src 'self'", "default-src 'self' https:"),
      'default-src',
    ],
    ['no default-src', CONSOLE_CSP.replace("default-src 'self'; ", ''), 'default-src'],
    [
      'framing allowed',
      CONSOLE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
      'frame-ancestors',
    ],
    [
      'inline scripts',
      CONSOLE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
      'unsafe-*',
    ],
    ['eval', CONSOLE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"), 'unsafe-*'],
    [
      'no Trusted Types',
      CONSOLE_CSP.replace("require-trusted-types-for 'script'; ", ''),
      'require-trusted-types-for',
    ],
  ])('flags %s', (_name, csp, problem) => {
    const problems = cspProblems(answer(csp));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});
