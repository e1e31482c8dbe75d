#!/usr/bin/env node
// vaultctl: runs the TypeScript sources directly (no build step), on Node 20: a child Node with
// the tsx loader and the `@indicium/source` export condition, so workspace packages resolve to
// their `src/`. Signals and the exit code pass through.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/vaultctl/vaultctl.main.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--conditions=@indicium/source', '--import', 'tsx', entry, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
