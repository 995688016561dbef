/**
 * Readiness: which dependencies do not answer. Every check runs at once and gets `deadlineMs` (below the 1 s an
 * orchestrator's probe allows), so a stalled database or Redis makes `/readyz` answer "not ready: database" in time
 * instead of hanging with it. Names only: never an error message, address or credential.
 */
export type ReadinessCheck = () => Promise<boolean> | boolean;

function withDeadline(check: ReadinessCheck, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
    timer.unref();
  });
  const answer = Promise.resolve()
    .then(check)
    .catch(() => false);
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

/** Returns a function that lists the names of the checks that fail or do not answer within `deadlineMs`. */
export function createReadiness(checks: Readonly<Record<string, ReadinessCheck>>, deadlineMs = 900) {
  return async function failing(): Promise<string[]> {
    const results = await Promise.all(
      Object.entries(checks).map(
        async ([name, check]) => [name, await withDeadline(check, deadlineMs)] as const,
      ),
    );
    return results.filter(([, ok]) => !ok).map(([name]) => name);
  };
}
