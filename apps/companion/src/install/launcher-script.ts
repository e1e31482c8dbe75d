import { fileURLToPath } from 'node:url';

/** What the launcher runs: this Node, tsx (absolute), the host entry (absolute), the data directory. */
export interface LauncherTarget {
  readonly nodePath: string;
  readonly tsxLoader: string;
  readonly hostEntry: string;
  readonly dataDir: string;
}

/** The launcher for this checkout: the Node running now, this package's tsx and host entry. */
export function currentLauncherTarget(dataDir: string): LauncherTarget {
  return {
    nodePath: process.execPath,
    tsxLoader: import.meta.resolve('tsx'),
    hostEntry: fileURLToPath(new URL('../../bin/native-host.ts', import.meta.url)),
    dataDir,
  };
}

/** POSIX single-quoting: the only character that needs care inside '…' is ' itself. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The executable the manifests name (DESIGN §7). Browsers start a host by path with no arguments
 * of ours and an environment we do not control, so the script pins everything: the Node binary,
 * tsx by absolute URL (a bare `--import tsx` would resolve from the browser's working directory),
 * the workspace source condition, and the data directory (unless the environment names another,
 * which is how tests run a browser against a temporary companion).
 */
export function launcherScript(target: LauncherTarget): string {
  return [
    '#!/bin/sh',
    '# Indicium companion native-messaging host launcher, written by `companion install`.',
    `INDICIUM_COMPANION_HOME="\${INDICIUM_COMPANION_HOME:-${target.dataDir.replaceAll(/["$`\\]/g, '\\$&')}}"`,
    'export INDICIUM_COMPANION_HOME',
    `exec ${quote(target.nodePath)} --conditions=@indicium/source --import ${quote(target.tsxLoader)} ${quote(target.hostEntry)} "$@"`,
    '',
  ].join('\n');
}
