/** What the console's forms turn typed text into before it is sent. */

/** "admin, auditor  user" → ['admin', 'auditor', 'user']: split on commas and spaces, empties and repeats dropped. */
export function parseRoles(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((role) => role.trim())
        .filter(Boolean),
    ),
  ];
}

/** The typed value of a field's input: integers as numbers, booleans as booleans, empty as absent. */
export function toFieldValue(type: string, input: string | boolean): string | number | boolean | undefined {
  if (type === 'boolean') return input === true;
  if (typeof input !== 'string' || input === '') return undefined;
  // Not an integer: sent as typed, so the server refuses it naming the field.
  if (type === 'integer') return /^-?\d+$/.test(input.trim()) ? Number(input.trim()) : input;
  return input;
}

/** Whole percent of a key job's items moved; a finished job with nothing to move is complete. */
export function percentDone(job: { done: number; total: number; status: string }): number {
  if (job.total === 0) return job.status === 'running' ? 0 : 100;
  return Math.min(100, Math.floor((job.done / job.total) * 100));
}
