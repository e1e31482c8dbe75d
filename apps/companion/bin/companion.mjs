#!/usr/bin/env node
// The package's `indicium-companion` command: runs the TypeScript CLI (bin/companion.ts) under tsx
// with the workspace source condition, as the native-messaging launcher does.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./companion.ts', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['--conditions=@indicium/source', '--import', import.meta.resolve('tsx'), entry, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exitCode = result.status ?? 1;
