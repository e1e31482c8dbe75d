import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The native-messaging hosts the browser is running for this data folder, so that `companion lock`
 * can lock them: the unlocked key lives only in a host's memory (DESIGN §4.2), and a person who
 * walks away from the computer must be able to drop it without closing the browser.
 *
 * Each host writes `<dataDir>/hosts/<pid>` while it runs; the lock signal is SIGUSR2.
 */
export const LOCK_SIGNAL = 'SIGUSR2';

const hostsDir = (dataDir: string) => join(dataDir, 'hosts');

/** Records this process as a running host; the returned function removes the record. */
export async function registerRunningHost(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(hostsDir(dataDir), { recursive: true, mode: 0o700 });
  const file = join(hostsDir(dataDir), String(process.pid));
  await writeFile(file, `${process.pid}\n`, { mode: 0o600 });
  return () => rm(file, { force: true });
}

/**
 * Sends the lock signal to every running host of `dataDir` and returns how many were signalled.
 * A record whose process is gone, or whose pid now belongs to a program that is not our host (pids
 * are reused, and SIGUSR2 would end an unrelated Node program), is removed, never signalled.
 */
export async function lockRunningHosts(dataDir: string): Promise<number> {
  const names = await readdir(hostsDir(dataDir)).catch(() => [] as string[]);
  let signalled = 0;
  for (const name of names) {
    const pid = Number(name);
    const file = join(hostsDir(dataDir), name);
    if (!Number.isSafeInteger(pid) || pid <= 1 || !(await isOurHost(pid))) {
      await rm(file, { force: true });
      continue;
    }
    try {
      process.kill(pid, LOCK_SIGNAL);
      signalled += 1;
    } catch {
      await rm(file, { force: true });
    }
  }
  return signalled;
}

async function isOurHost(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return cmdline?.split('\0').some((arg) => /[/\\]native-host\.(?:ts|mjs|js)$/.test(arg)) ?? false;
}
