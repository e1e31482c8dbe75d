import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { runProgram } from './run-program.js';

export interface OfficeQueue {
  readonly name: string;
  /** Where cups-pdf writes each job's PDF, named after the job title. */
  readonly outputDir: string;
  /** Jobs this queue has taken, completed or not (`lpstat -W all`): the shared output folder is not ours alone. */
  jobs(): Promise<number>;
  remove(): Promise<void>;
}

/**
 * The office printer of DESIGN §9 as a real CUPS queue of this run's own (cups-pdf), so no other
 * run's jobs mix in. Starts the scheduler when it is not running (as root, as the companion's
 * print tests do); without CUPS and cups-pdf it fails and says what to install.
 */
export async function addOfficeQueue(name: string): Promise<OfficeQueue> {
  const running = async () =>
    /scheduler is running/.test((await runProgram('lpstat', ['-r']).catch(() => ({ stdout: '' }))).stdout);
  if (!(await running())) {
    await runProgram('/usr/sbin/cupsd', []).catch((error: unknown) => {
      throw new Error(`CUPS is needed (scripts/ensure-system-packages.sh as root): ${String(error)}`);
    });
    for (let i = 0; i < 100 && !(await running()); i += 1) await new Promise((r) => setTimeout(r, 100));
  }
  await runProgram('lpadmin', [
    '-p',
    name,
    '-v',
    'cups-pdf:/',
    '-E',
    '-m',
    'lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd',
  ]);
  // `Out` in cups-pdf.conf, with ${HOME} the job owner's home (cups-pdf runs the job as them).
  const conf = await readFile('/etc/cups/cups-pdf.conf', 'utf8').catch(() => '');
  const out = /^Out\s+(.+)$/m.exec(conf)?.[1]?.trim();
  const outputDir =
    out === undefined ? join(userInfo().homedir, 'PDF') : out.replace(/^\$\{HOME\}/, userInfo().homedir);
  return {
    name,
    outputDir,
    jobs: async () =>
      (await runProgram('lpstat', ['-W', 'all', '-o', name])).stdout
        .split('\n')
        .filter((line) => line.startsWith(`${name}-`)).length,
    remove: async () => {
      await runProgram('lpadmin', ['-x', name]);
    },
  };
}
