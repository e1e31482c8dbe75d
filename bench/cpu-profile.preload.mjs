import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * `--cpu-prof` for a process the benchmark does not launch itself (the vault, started by the test
 * helper): Node refuses `--cpu-prof` in NODE_OPTIONS but accepts `--import`, so `bench --cpu-prof
 * DIR` puts this file there. It starts V8's sampling profiler in every thread that loads it and
 * writes `<pid>-<thread>.cpuprofile` into INDICIUM_CPU_PROF_DIR when the thread exits (the vault
 * exits on SIGTERM after draining). The same profile `node --cpu-prof` writes.
 */
const dir = process.env.INDICIUM_CPU_PROF_DIR;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.once('exit', () => {
    // A session on the thread itself answers synchronously, so this runs to the end inside 'exit'.
    session.post('Profiler.stop', (error, result) => {
      if (error === null) {
        writeFileSync(join(dir, `${process.pid}-${threadId}.cpuprofile`), JSON.stringify(result.profile));
      }
    });
  });
}
