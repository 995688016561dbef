/**
 * CPU time of processes this benchmark did not fork over IPC (the `strongroom serve` nodes of bench/multinode.ts),
 * read from /proc/<pid>/stat: user + system time of every thread, in clock ticks of 10 ms (USER_HZ is 100 on
 * every Linux architecture Node supports). NaN where /proc is missing (not Linux) or the process has ended.
 */
import fs from 'node:fs/promises';

const MS_PER_TICK = 10;

/** Milliseconds of CPU the process has used so far (all threads), or NaN. */
export async function processCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) (utime, stime) are the 12th and 13th after the name.
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return Number.NaN;
  }
}

/** Total CPU milliseconds of several processes (NaN if any is unknown). */
export async function totalCpuMs(pids: ReadonlyArray<number | undefined>): Promise<number> {
  const each = await Promise.all(pids.map(processCpuMs));
  return each.reduce((sum, ms) => sum + ms, 0);
}
