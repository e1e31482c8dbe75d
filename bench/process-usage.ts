import { readFile, writeFile } from 'node:fs/promises';

/** CPU time of a process so far, from /proc (Linux): user and system, in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces and parentheses): utime is 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS = 100;

/** Peak resident set (VmHWM) in bytes since start or since the last `resetPeakRss`. */
export async function peakRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const line = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return line === null ? Number.NaN : Number(line[1]) * 1024;
}

/**
 * Resets VmHWM to the current RSS (writing 5 to clear_refs, Linux ≥ 4.0), so that each sweep
 * point reports its own peak instead of the first-run ceremony's. Owner only; a kernel that
 * refuses leaves the since-start peak, which the report then says.
 */
export async function resetPeakRss(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
