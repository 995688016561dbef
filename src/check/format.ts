/** `--format table|json|sarif`: renders a check report as text for stdout. */
import type { CheckReport, Finding } from './finding.js';
import { toSarif } from './sarif.js';

export const FORMATS = ['table', 'json', 'sarif'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (FORMATS as readonly string[]).includes(value);
}

function where(finding: Finding): string {
  const { file, line, column, pointer } = finding.location;
  const position = line === undefined ? '' : `:${line}${column === undefined ? '' : `:${column}`}`;
  return `${file}${position}${pointer === undefined ? '' : ` ${pointer}`}`;
}

/** A plain table: severity, rule, location, message; then a summary line. */
export function formatTable(report: CheckReport): string {
  const rows = report.findings.map((f) => [
    f.severity.toUpperCase(),
    f.ruleId,
    where(f),
    f.preview === undefined ? f.message : `${f.message} [${f.preview}]`,
  ]);
  const header = ['SEVERITY', 'RULE', 'LOCATION', 'MESSAGE'];
  // The last column is not padded; the others are as wide as their widest cell (capped, so one long path
  // does not push every message off the screen).
  const widths = header
    .slice(0, 3)
    .map((h, i) => Math.min(80, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ');
  const { high, medium, low } = report.totals;
  const scanned = Object.entries(report.scanned)
    .map(([name, count]) => `${count} ${name}`)
    .join(', ');
  const summary =
    `${report.check}: ${high + medium + low} findings (${high} high, ${medium} medium, ${low} low)` +
    `${report.omitted > 0 ? `, ${report.omitted} not listed` : ''}; scanned ${scanned}`;
  return rows.length === 0
    ? `${summary}\n`
    : `${[line(header), ...rows.map(line)].join('\n')}\n\n${summary}\n`;
}

/** The report as JSON: findings, totals, omitted count and what was scanned. */
export function formatJson(report: CheckReport): string {
  const { check, findings, totals, omitted, scanned } = report;
  return `${JSON.stringify({ check, findings, totals, omitted, scanned }, null, 2)}\n`;
}

export function formatReport(report: CheckReport, format: ReportFormat, toolVersion: string): string {
  if (format === 'json') return formatJson(report);
  if (format === 'sarif') return `${JSON.stringify(toSarif(report, { toolVersion }), null, 2)}\n`;
  return formatTable(report);
}
