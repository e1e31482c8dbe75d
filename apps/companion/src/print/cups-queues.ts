import { IndiciumError } from '@indicium/protocol';
import { runTool } from './run-tool.js';

/** What `lpstat` says about the local CUPS scheduler and its queues. */
export interface CupsState {
  /** 'absent': no CUPS client tools; 'stopped': the scheduler does not answer. */
  readonly scheduler: 'running' | 'stopped' | 'absent';
  readonly queues: readonly string[];
  readonly defaultQueue: string | null;
}

/** CUPS queue names: printable, no spaces, slashes or '#' (CUPS's rule); never a leading '-'. */
const QUEUE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,126}$/;

export function isQueueName(name: string): boolean {
  return QUEUE_NAME.test(name);
}

/** The scheduler's state, its queues (`lpstat -e`) and its default (`lpstat -d`). */
export async function readCupsState(): Promise<CupsState> {
  const running = await runTool('lpstat', ['-r']);
  if (running.missing) return { scheduler: 'absent', queues: [], defaultQueue: null };
  if (!/scheduler is running/.test(running.stdout))
    return { scheduler: 'stopped', queues: [], defaultQueue: null };
  const listed = await runTool('lpstat', ['-e']);
  const queues = listed.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && isQueueName(line));
  const named = /system default destination: (\S+)/.exec((await runTool('lpstat', ['-d'])).stdout);
  const defaultQueue = named?.[1] !== undefined && queues.includes(named[1]) ? named[1] : null;
  return { scheduler: 'running', queues, defaultQueue };
}

/**
 * Prints a PDF on a CUPS queue with `lp` (DESIGN §7): the job's bytes on stdin, `print-scaling=none`
 * so the symbol keeps its printed size (0.025 in per module). Resolves with the job id CUPS gave.
 * PRINTER_NOT_FOUND for a queue CUPS does not have (or CUPS absent or stopped); PRINTER_FAILED when
 * `lp` refuses the job.
 */
export async function printOnCups(queue: string, pdf: Uint8Array, title: string): Promise<string> {
  if (!isQueueName(queue))
    throw new IndiciumError('PRINTER_NOT_FOUND', { field: 'printerId', detail: 'not a CUPS queue name' });
  const state = await readCupsState();
  if (state.scheduler !== 'running') {
    throw new IndiciumError('PRINTER_NOT_FOUND', {
      field: 'printerId',
      detail: state.scheduler === 'absent' ? 'CUPS is not installed' : 'the CUPS scheduler is not running',
    });
  }
  if (!state.queues.includes(queue)) {
    throw new IndiciumError('PRINTER_NOT_FOUND', { field: 'printerId', details: { queue } });
  }
  const result = await runTool('lp', ['-d', queue, '-t', title, '-o', 'print-scaling=none', '-'], pdf);
  const job = /request id is (\S+)/.exec(result.stdout);
  if (result.code !== 0 || job?.[1] === undefined) {
    throw new IndiciumError('PRINTER_FAILED', {
      field: 'printerId',
      detail: (result.stderr.trim().split('\n')[0] ?? '').slice(0, 200),
      details: { queue, exitCode: result.code },
    });
  }
  return job[1];
}
