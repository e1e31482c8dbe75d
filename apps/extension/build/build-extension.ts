import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type BrowserTarget, extensionManifest } from './extension-manifest.js';
import { iconPng } from './icon-png.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where `npm run build` writes: `dist/chrome` and `dist/firefox`, each loadable unpacked. */
export const DEFAULT_OUT_DIR = join(ROOT, 'dist');

export interface BuildOptions {
  /** The folder that receives `chrome/` and `firefox/`; emptied first. */
  readonly outDir: string;
  readonly allowedOrigins: readonly string[];
}

export type BuiltExtension = Readonly<Record<BrowserTarget, string>>;

const ENTRY_POINTS = {
  background: join(ROOT, 'src/background/service-worker.background.ts'),
  content: join(ROOT, 'src/content/page-bridge.content.ts'),
  popup: join(ROOT, 'src/popup/popup.ts'),
};
const STATIC_FILES = ['src/popup/popup.html', 'src/popup/popup.css'];

/**
 * Builds the extension for Chrome and Firefox (DESIGN §8) with esbuild, which needs no TypeScript
 * compiler API (TypeScript 7 ships none). One bundle per entry point, classic scripts (IIFE), not
 * minified, so a reviewer (or a store) reads what runs. The allow-list is compiled in: the
 * extension has no settings page a page script could reach.
 */
export async function buildExtension(options: BuildOptions): Promise<BuiltExtension> {
  const staging = join(options.outDir, '.bundle');
  await rm(options.outDir, { recursive: true, force: true });
  await build({
    entryPoints: ENTRY_POINTS,
    outdir: staging,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox128'],
    conditions: ['@indicium/source'],
    define: { __INDICIUM_ALLOWED_ORIGINS__: JSON.stringify(options.allowedOrigins) },
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const version = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
  const writeTarget = async (target: BrowserTarget): Promise<string> => {
    const dir = join(options.outDir, target);
    await mkdir(join(dir, 'icons'), { recursive: true });
    for (const name of Object.keys(ENTRY_POINTS)) {
      await copyFile(join(staging, `${name}.js`), join(dir, `${name}.js`));
    }
    for (const file of STATIC_FILES) await copyFile(join(ROOT, file), join(dir, basename(file)));
    for (const size of [48, 128]) await writeFile(join(dir, 'icons', `icon-${size}.png`), iconPng(size));
    const manifest = extensionManifest(target, { version, allowedOrigins: options.allowedOrigins });
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return dir;
  };
  const built = { chrome: await writeTarget('chrome'), firefox: await writeTarget('firefox') };
  await rm(staging, { recursive: true, force: true });
  return built;
}
