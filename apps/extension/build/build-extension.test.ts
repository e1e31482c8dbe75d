import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltExtension, buildExtension } from './build-extension.js';

/** web-ext's own command line, beside its entry point (the package exports no `bin` subpath). */
const WEB_EXT = join(dirname(createRequire(import.meta.url).resolve('web-ext')), 'bin', 'web-ext.js');

let root: string;
let built: BuiltExtension;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-ext-build-'));
  built = await buildExtension({
    outDir: root,
    allowedOrigins: ['https://meter.example', 'https://localhost:8443'],
  });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('buildExtension (esbuild, DESIGN §8)', () => {
  it('writes a loadable folder per browser with the same scripts', async () => {
    for (const dir of [built.chrome, built.firefox]) {
      expect((await readdir(dir)).sort()).toEqual([
        'background.js',
        'content.js',
        'icons',
        'manifest.json',
        'popup.css',
        'popup.html',
        'popup.js',
      ]);
      expect((await readdir(join(dir, 'icons'))).sort()).toEqual(['icon-128.png', 'icon-48.png']);
    }
    expect(await readFile(join(built.chrome, 'content.js'), 'utf8')).toBe(
      await readFile(join(built.firefox, 'content.js'), 'utf8'),
    );
  });

  it('compiles the allow-list into the background only: the content script decides nothing', async () => {
    const list = '["https://meter.example", "https://localhost:8443"]';
    expect(await readFile(join(built.chrome, 'background.js'), 'utf8')).toContain(list);
    expect(await readFile(join(built.chrome, 'content.js'), 'utf8')).not.toContain(list);
  });

  it('the icons are real PNGs of the named sizes', async () => {
    const png = await readFile(join(built.chrome, 'icons', 'icon-128.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(128);
    expect(png.readUInt32BE(20)).toBe(128);
  });

  it('web-ext lint finds no error, warning or notice in the Firefox build', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [WEB_EXT, 'lint', '--source-dir', built.firefox, '--output', 'json', '--no-config-discovery'],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as {
      summary: Record<string, number>;
      errors: unknown[];
      warnings: unknown[];
    };
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.summary).toEqual({ errors: 0, notices: 0, warnings: 0 });
  });
});
