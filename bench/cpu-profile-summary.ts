import { readFile } from 'node:fs/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly selfMs: number;
  readonly share: number;
}

/** Shortens a frame's URL to the part a reader can find in the tree (or the package it came from). */
function where(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0)
    return url
      .slice(modules + '/node_modules/'.length)
      .split('/')
      .slice(0, 2)
      .join('/');
  const repo = url.indexOf('/work/main/');
  return repo >= 0 ? url.slice(repo + '/work/main/'.length) : url.replace(/^file:\/\//, '');
}

/**
 * Self time per function from a V8 `.cpuprofile` (`node --cpu-prof`), heaviest first: where a
 * process spends its CPU, without any profiler beyond Node's own. `(idle)` is time the thread
 * waited (I/O, fsync on the libuv pool); `(program)` and `(garbage collector)` are V8's.
 *
 * @example
 * for (const line of await summarizeCpuProfile('vault.cpuprofile', 20)) console.error(line);
 */
export async function summarizeCpuProfile(file: string, top: number): Promise<ProfileLine[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    total += delta;
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const name =
      url === ''
        ? `(${functionName || 'anonymous'})`.replace(/^\(\((.*)\)\)$/, '($1)')
        : `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + delta);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, selfMs]) => ({ name, selfMs, share: selfMs / total }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top = '25'] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  for (const line of await summarizeCpuProfile(file, Number(top))) {
    process.stdout.write(
      `${(line.share * 100).toFixed(1).padStart(5)} %  ${line.selfMs.toFixed(0).padStart(7)} ms  ${line.name}\n`,
    );
  }
}
