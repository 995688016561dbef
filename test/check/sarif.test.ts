/**
 * SARIF output of both checks validates against the OASIS SARIF 2.1.0 JSON schema (test/fixtures/check-sarif,
 * source noted beside it), and carries rules, levels and locations as code-scanning tools read them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import AjvDraft04 from 'ajv-draft-04';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { checkLogs, checkOpenApi, formatReport } from '../../src/check/index.js';

const SCHEMA = path.resolve(import.meta.dirname, '../fixtures/check-sarif/sarif-2.1.0-rtm.5.json');
// The schema's language pattern is not valid with the u flag, which ajv uses by default.
// Both are CommonJS with a `default` export; under NodeNext the default import is the module object.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
formats.default(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
const fixture = (...parts: string[]) => path.resolve(import.meta.dirname, '../fixtures', ...parts);

describe('SARIF 2.1.0', () => {
  it('is valid for check logs, with a result per finding and a rule per kind', async () => {
    const report = await checkLogs({
      files: [fixture('check-logs/secrets.log'), fixture('check-logs/secrets.jsonl')],
      stdin: Readable.from([]),
    });
    const sarif = JSON.parse(formatReport(report, 'sarif', '1.2.3'));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const run = sarif.runs[0];
    expect(run.results).toHaveLength(report.findings.length);
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('logs/aws-access-key');
    const first = run.results[0];
    expect(first.level).toBe('error');
    expect(first.locations[0].physicalLocation.region.startLine).toBe(report.findings[0]?.location.line);
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe(first.ruleId);
  });

  it('is valid for check openapi, with JSON pointers as logical locations', async () => {
    const report = await checkOpenApi(fixture('check-openapi/bad.yaml'));
    const sarif = JSON.parse(formatReport(report, 'sarif', '1.2.3'));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const result = sarif.runs[0].results.find(
      (r: { ruleId: string }) => r.ruleId === 'openapi/apikey-in-query',
    );
    expect(result.locations[0].logicalLocations[0].fullyQualifiedName).toBe(
      '/components/securitySchemes/legacyKey',
    );
    expect(result.level).toBe('error');
  });

  it('is valid with no findings and with stdin and absolute paths', async () => {
    const empty = await checkLogs({ files: [], stdin: Readable.from(['nothing to see\n']) });
    expect(validate(JSON.parse(formatReport(empty, 'sarif', '1.2.3')))).toBe(true);
    const absolute = await checkLogs({
      files: [fixture('check-logs/secrets.jsonl')],
      stdin: Readable.from([]),
    });
    const sarif = JSON.parse(formatReport(absolute, 'sarif', '1.2.3'));
    expect(validate(sarif)).toBe(true);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(
      /^file:\/\/\//,
    );
  });

  it('the validator rejects a broken log (so the tests above can fail)', () => {
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    const run = { tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] };
    expect(validate({ version: '2.1.0', runs: [run] })).toBe(false);
  });
});
