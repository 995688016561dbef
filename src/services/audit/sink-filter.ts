/**
 * Audit filters of a sink (like Vault's `filter`, Piiano's exclusions): which committed events a sink does not
 * ship. They never touch the trail: every event is still written, chained, checkpointed, mirrored and exported;
 * a sink only skips shipping it and tells the receiver what it skipped (see sink-runner.ts), so the receiver can
 * still check the chain across the gap.
 * A pattern is `<action>` or `<action>:<outcome>`; `*` in the action matches any run of characters
 * (`audit.*`, `record.list:allowed`). Invariant: a pattern that names no known action or outcome is refused when
 * the configuration is read, so a typo cannot silently ship (or drop) everything.
 */
import { AUDIT_OUTCOMES } from '../../audit/index.js';
import { AppError } from '../../errors.js';
import { AUDIT_ACTIONS } from './audit-input.js';

const PATTERN = /^([a-z_*][a-z_.*]*)(?::([a-z_]+))?$/;

/** Why `pattern` is not a valid exclusion, or null when it is. */
export function exclusionProblem(pattern: string): string | null {
  const match = PATTERN.exec(pattern);
  if (match === null) return 'must be <action> or <action>:<outcome>';
  const [, action = '', outcome] = match;
  if (!AUDIT_ACTIONS.some((a) => toRegExp(action).test(a))) return 'matches no audit action';
  if (outcome !== undefined && !(AUDIT_OUTCOMES as readonly string[]).includes(outcome)) {
    return `names an unknown outcome (one of ${AUDIT_OUTCOMES.join(', ')})`;
  }
  return null;
}

function toRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
}

/**
 * A test of whether a sink skips an event, from its exclusion patterns; CONFIG_INVALID_VALUE naming `setting`
 * (and the pattern's position, never its text) for a pattern that names nothing.
 */
export function createSinkFilter(
  patterns: readonly string[],
  setting: string,
): (event: { action: string; outcome: string }) => boolean {
  for (const [i, pattern] of patterns.entries()) {
    const problem = exclusionProblem(pattern);
    if (problem !== null) {
      throw new AppError('CONFIG_INVALID_VALUE', {
        field: setting,
        message: `${setting}: pattern ${i + 1} ${problem}`,
      });
    }
  }
  const rules = patterns.map((pattern) => {
    const [, action = '', outcome] = PATTERN.exec(pattern) ?? [];
    return { action: toRegExp(action), outcome };
  });
  return (event) =>
    rules.some(
      (r) => r.action.test(event.action) && (r.outcome === undefined || r.outcome === event.outcome),
    );
}
