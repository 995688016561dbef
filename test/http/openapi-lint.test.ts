/**
 * Strongroom's own document is the model for the API documents `strongroom check` will audit: Spectral (spectral:oas
 * and the OWASP ruleset, with the overrides in .spectral.yaml, each with its reason) and Redocly (recommended
 * rules) must find no error in it. Runs the same script as `npm run lint:openapi` on the built server (`pretest`
 * builds it).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('the served OpenAPI document', () => {
  it('passes Spectral (oas + OWASP) and Redocly with no error', { timeout: 180_000 }, async () => {
    const { stdout, stderr } = await run(process.execPath, ['scripts/openapi-lint.mjs'], {
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`lint failed:\n${error.stdout}\n${error.stderr}`);
    });
    const output = `${stdout}\n${stderr}`;
    expect(output).toContain("No results with a severity of 'error' found!");
    expect(output).toContain('Your API description is valid');
    // Spectral prints each warning it does not fail on: none are left unlisted in .spectral.yaml.
    expect(output).not.toMatch(/\d+:\d+\s+warning\s/);
  });
});
