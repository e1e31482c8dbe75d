import { readFile, rm } from 'node:fs/promises';
import { NATIVE_HOST_NAME } from '@indicium/protocol';
import { companionPaths } from '../config/companion-paths.js';
import { type Browser, manifestTargets } from './native-manifest.js';

/**
 * `companion uninstall`: removes this companion's manifests from the chosen locations and, unless a
 * single profile was named, the launcher. The data directory stays: the secrets and the journal of
 * issued indicia are records of value, deleted only by hand.
 */
export async function uninstallCompanion(options: {
  dataDir: string;
  home: string;
  browsers: readonly Browser[];
  profileDir?: string | undefined;
}): Promise<{ removed: string[] }> {
  const removed: string[] = [];
  for (const target of manifestTargets(options.home, options.browsers, options.profileDir)) {
    if (await removeIfOurs(target.file)) removed.push(target.file);
  }
  if (options.profileDir === undefined) {
    const launcher = companionPaths(options.dataDir).launcher;
    const existed = await readFile(launcher).then(
      () => true,
      () => false,
    );
    await rm(launcher, { force: true });
    if (existed) removed.push(launcher);
  }
  return { removed };
}

/** Removes a manifest only if it is ours by name, so a same-named file of another program is kept. */
async function removeIfOurs(file: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return false;
  }
  try {
    const json = JSON.parse(text) as { name?: unknown };
    if (json.name !== NATIVE_HOST_NAME) return false;
  } catch {
    return false;
  }
  await rm(file, { force: true });
  return true;
}
