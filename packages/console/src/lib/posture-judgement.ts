/**
 * The deployment findings of a posture (`GET /v1/sys/posture`), judged in the browser by the same code as
 * `strongroom check deployment` (src/check/deployment/posture-findings.ts and deployment-rules.ts, bundled by
 * Vite, not copied). This file is the console's one way into the server's source: those files import only each
 * other and leaf type files (.dependency-cruiser.cjs, browser-shared-checks-are-leaves), so nothing of the server
 * reaches the bundle. Only the posture-derived findings apply here: no TLS probe, no data directory, no audit walk.
 */
import type { DeploymentRule } from '../../../../src/check/deployment/deployment-rules.js';
import { postureFindings } from '../../../../src/check/deployment/posture-findings.js';
import { SEVERITIES, type Severity } from '../../../../src/check/finding.js';
import type { Posture } from '../../../../src/services/posture/posture-types.js';

export const POSTURE_FORMAT = 'strongroom-posture-v1';

export interface PostureFinding {
  readonly rule: DeploymentRule;
  /** What was found (counts and ids, never a withheld value), as the CLI prints it. */
  readonly message: string;
  /** JSON pointer into the posture. */
  readonly pointer: string;
}

export interface PostureJudgement {
  /** Highest severity first; within one severity, in the order the CLI reports them. */
  readonly findings: readonly PostureFinding[];
  readonly totals: Readonly<Record<Severity, number>>;
}

/** Severities highest first, the order the page lists them in. */
export const SEVERITIES_HIGH_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

/** True when `value` claims the posture format the shared rules read. */
export function isPosture(value: unknown): value is Posture {
  return (
    typeof value === 'object' && value !== null && (value as { format?: unknown }).format === POSTURE_FORMAT
  );
}

export function judgePosture(posture: Posture): PostureJudgement {
  const found: PostureFinding[] = [];
  postureFindings(posture, (rule, message, pointer = '') => {
    // Every rule postureFindings cites comes from DEPLOYMENT_RULES, which carry `why`.
    found.push({ rule: rule as DeploymentRule, message, pointer });
  });
  const rank = (severity: Severity) => SEVERITIES_HIGH_FIRST.indexOf(severity);
  const findings = found
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => rank(a.finding.rule.severity) - rank(b.finding.rule.severity) || a.index - b.index)
    .map(({ finding }) => finding);
  const totals: Record<Severity, number> = { low: 0, medium: 0, high: 0 };
  for (const finding of findings) totals[finding.rule.severity] += 1;
  return { findings, totals };
}
