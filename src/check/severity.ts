/** Severity order, `--fail-on` parsing and the exit code a report gives. */
import { type CheckReport, SEVERITIES, type Severity } from './finding.js';

/** Exit codes of every `strongroom check`: 0 clean (below the threshold), 1 findings at or above it, 2 could not check. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** The exit code for `report` when findings at or above `failOn` must fail the run. */
export function exitCodeFor(report: CheckReport, failOn: Severity): number {
  const threshold = severityRank(failOn);
  return SEVERITIES.some((severity) => severityRank(severity) >= threshold && report.totals[severity] > 0)
    ? EXIT_FINDINGS
    : EXIT_CLEAN;
}
