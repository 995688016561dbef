/**
 * The finding model every `strongroom check` shares: a rule (stable id, severity, one-line help) and the findings
 * that cite it. A finding names where (file, line, JSON pointer) and what kind, never the value it found: at most
 * a masked preview that cannot be turned back into the secret (a public prefix and a length).
 */

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface CheckRule {
  /** Stable id (`logs/aws-access-key`, `openapi/apikey-in-query`), documented in docs/checks.md. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** One line on how to fix it; docs/checks.md has the why and the long form. */
  readonly help: string;
}

export interface FindingLocation {
  /** File path or URL as given, `<stdin>` for standard input. */
  readonly file: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  /** JSON pointer into a document (OpenAPI). */
  readonly pointer?: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: FindingLocation;
  /** A masked preview (e.g. `AKIA…(20 chars)`), never the value. */
  readonly preview?: string;
}

export interface CheckReport {
  /** `logs` or `openapi`: names the SARIF run and the table's heading. */
  readonly check: string;
  readonly rules: readonly CheckRule[];
  /** Findings kept in detail (at most the collector's limit), in the order found. */
  readonly findings: readonly Finding[];
  /** Every finding counted, kept or not: exit codes are computed from these. */
  readonly totals: Readonly<Record<Severity, number>>;
  /** Findings counted but not kept (past the limit). */
  readonly omitted: number;
  /** What was examined (files, lines, bytes, operations), for the summary line. */
  readonly scanned: Readonly<Record<string, number>>;
}
