/**
 * Collects findings with a bound on how many are kept: a 1 GB log full of e-mail addresses must not hold millions
 * of findings in memory. Every finding is counted by severity (exit codes use the counts); only the first
 * `limit` are kept in detail.
 */
import type { CheckReport, CheckRule, Finding, Severity } from './finding.js';

export const DEFAULT_FINDING_LIMIT = 10_000;

export interface FindingCollector {
  readonly add: (finding: Finding) => void;
  readonly report: (scanned: Readonly<Record<string, number>>) => CheckReport;
}

export function createFindingCollector(
  check: string,
  rules: readonly CheckRule[],
  limit = DEFAULT_FINDING_LIMIT,
): FindingCollector {
  const findings: Finding[] = [];
  const totals: Record<Severity, number> = { low: 0, medium: 0, high: 0 };
  let omitted = 0;
  return {
    add: (finding) => {
      totals[finding.severity]++;
      if (findings.length < limit) findings.push(finding);
      else omitted++;
    },
    report: (scanned) => ({ check, rules, findings, totals: { ...totals }, omitted, scanned }),
  };
}
