/**
 * SARIF 2.1.0 (OASIS) for a check report, as GitHub code scanning and other SARIF viewers read it: one run, the
 * rules with their help, and one result per kept finding. Findings never carry the value they found, so neither
 * does the log.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckReport, Finding, Severity } from './finding.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVELS: Readonly<Record<Severity, 'note' | 'warning' | 'error'>> = {
  low: 'note',
  medium: 'warning',
  high: 'error',
};

/** GitHub code scanning ranks security results by this property (0.0–10.0). */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { low: '3.0', medium: '5.5', high: '8.0' };

export interface SarifOptions {
  readonly toolVersion: string;
  readonly helpUri?: string;
}

/** A URI reference for a location: URLs as given, absolute paths as file URLs, relative paths percent-encoded. */
export function artifactUri(file: string): string {
  if (/^https?:\/\//i.test(file)) return file;
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(path.sep).map(encodeURIComponent).join('/');
}

function sarifResult(finding: Finding, ruleIndex: number) {
  const { file, line, column, pointer } = finding.location;
  const region =
    line === undefined
      ? undefined
      : { startLine: line, ...(column === undefined ? {} : { startColumn: column }) };
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVELS[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(file) },
          ...(region === undefined ? {} : { region }),
        },
        ...(pointer === undefined
          ? {}
          : { logicalLocations: [{ fullyQualifiedName: pointer, kind: 'object' }] }),
      },
    ],
    ...(finding.preview === undefined ? {} : { properties: { preview: finding.preview } }),
  };
}

/** The SARIF log object for `report` (serialise with JSON.stringify). */
export function toSarif(report: CheckReport, options: SarifOptions) {
  const ruleIndexes = new Map(report.rules.map((rule, index) => [rule.id, index]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'strongroom',
            fullName: `strongroom check ${report.check}`,
            version: options.toolVersion,
            ...(options.helpUri === undefined ? {} : { informationUri: options.helpUri }),
            rules: report.rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.title },
              help: { text: rule.help },
              defaultConfiguration: { level: LEVELS[rule.severity] },
              properties: { 'security-severity': SECURITY_SEVERITY[rule.severity], tags: ['security'] },
            })),
          },
        },
        columnKind: 'unicodeCodePoints',
        results: report.findings.map((finding) =>
          sarifResult(finding, ruleIndexes.get(finding.ruleId) ?? -1),
        ),
        properties: { totals: report.totals, omitted: report.omitted, scanned: report.scanned },
      },
    ],
  };
}
