import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { runTool } from './run-tool.js';

/**
 * A real CUPS queue for the print tests (recipe: shared notes "A real printer queue"): starts the
 * scheduler if it is not running (as root, as CI runs) and adds a cups-pdf queue. Nothing is
 * skipped: without CUPS the tests fail and say what to install.
 */
export const PDF_QUEUE = 'IndiciumPDF';
export const REJECTING_QUEUE = 'IndiciumRejecting';

export async function ensureCupsPdfQueue(): Promise<{ queue: string; outputDir: string }> {
  if (!existsSync('/usr/sbin/cupsd') || !existsSync('/usr/lib/cups/backend/cups-pdf')) {
    throw new Error('CUPS and cups-pdf are needed: run `bash scripts/ensure-system-packages.sh` as root');
  }
  if (!(await schedulerRunning())) {
    if (process.getuid?.() !== 0)
      throw new Error('the CUPS scheduler is not running: start it as root with /usr/sbin/cupsd');
    await new Promise<void>((resolve, reject) => {
      // cupsd forks into the background by itself and the parent exits.
      const child = spawn('/usr/sbin/cupsd', [], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cupsd exited with ${code}`))));
    });
    for (let i = 0; i < 100 && !(await schedulerRunning()); i += 1) await sleep(100);
    if (!(await schedulerRunning())) throw new Error('cupsd was started but does not answer');
  }
  const queues = (await runTool('lpstat', ['-e'])).stdout.split('\n');
  for (const queue of [PDF_QUEUE, REJECTING_QUEUE]) {
    if (queues.includes(queue)) continue;
    const added = await runTool('lpadmin', [
      '-p',
      queue,
      '-v',
      'cups-pdf:/',
      '-E',
      '-m',
      'lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd',
    ]);
    if (added.code !== 0) throw new Error(`lpadmin could not add ${queue}: ${added.stderr}`);
  }
  // The second queue exists but refuses jobs, as a printer taken out of service does.
  const rejected = await runTool('cupsreject', [REJECTING_QUEUE]);
  if (rejected.code !== 0) throw new Error(`cupsreject failed: ${rejected.stderr}`);
  return { queue: PDF_QUEUE, outputDir: await cupsPdfOutputDir() };
}

/** The PDF a cups-pdf job produced: the first new file in the output folder, once its size settles. */
/**
 * Waits for a new PDF in cups-pdf's output folder. `prefix` (the job title cups-pdf names the file
 * after) keeps another test's job printed at the same moment from being taken for ours: the folder
 * is shared by every queue of the machine.
 */
export async function waitForNewPdf(
  outputDir: string,
  before: ReadonlySet<string>,
  prefix = '',
  timeoutMs = 30_000,
): Promise<Uint8Array> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const names = await readdir(outputDir).catch(() => [] as string[]);
    const fresh = names.find((name) => name.endsWith('.pdf') && name.startsWith(prefix) && !before.has(name));
    if (fresh !== undefined) {
      const path = join(outputDir, fresh);
      const first = (await stat(path)).size;
      await sleep(300);
      if (first > 0 && (await stat(path)).size === first) return new Uint8Array(await readFile(path));
    }
    await sleep(200);
  }
  throw new Error(`no PDF appeared in ${outputDir} within ${timeoutMs} ms`);
}

export async function listPdfs(outputDir: string): Promise<Set<string>> {
  return new Set(await readdir(outputDir).catch(() => [] as string[]));
}

async function schedulerRunning(): Promise<boolean> {
  const result = await runTool('lpstat', ['-r']);
  return /scheduler is running/.test(result.stdout);
}

/** `Out` in cups-pdf.conf, with ${HOME} as the job owner's home (cups-pdf runs the job as them). */
async function cupsPdfOutputDir(): Promise<string> {
  const conf = await readFile('/etc/cups/cups-pdf.conf', 'utf8').catch(() => '');
  const out = /^Out\s+(.+)$/m.exec(conf)?.[1]?.trim();
  if (out === undefined) return join(userInfo().homedir, 'PDF');
  return out.replace(/^\$\{HOME\}/, userInfo().homedir);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
