// A worker thread does not inherit the parent's `--import tsx` loader hooks on Node 20, so the
// SQLite writer starts here (plain JavaScript), registers tsx for this thread, then imports its
// TypeScript entry. The `@indicium/source` condition comes from the worker's execArgv.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
