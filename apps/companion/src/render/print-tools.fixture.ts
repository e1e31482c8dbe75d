import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Independent checks of the renderer's output with Debian's tools (installed by
 * scripts/ensure-system-packages.sh): libdmtx's `dmtxread` decodes symbols, poppler reads PDFs.
 * Nothing here shares code with what it checks.
 */
const run = promisify(execFile);

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'indicium-render-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The raw bytes of the first Data Matrix dmtxread finds in a PNG (no -U: bytes ≥ 0x80 stay single bytes). */
export function scanDataMatrix(png: Uint8Array): Promise<Uint8Array> {
  return withTempDir(async (dir) => {
    const path = join(dir, 'scan.png');
    await writeFile(path, png);
    const { stdout } = await run('dmtxread', ['-N1', '-m', '20000', path], {
      encoding: 'buffer',
      maxBuffer: 1 << 20,
    });
    return new Uint8Array(stdout);
  });
}

/** The data codewords dmtxread reads from the first symbol (`-c`), in order. */
export function scanCodewords(png: Uint8Array): Promise<number[]> {
  return withTempDir(async (dir) => {
    const path = join(dir, 'scan.png');
    await writeFile(path, png);
    const { stdout } = await run('dmtxread', ['-N1', '-c', path], { encoding: 'utf8' });
    return [...stdout.matchAll(/^d:(\d+)$/gm)].map((match) => Number(match[1]));
  });
}

/** Page 1 of a PDF rasterised by poppler, as a PNG. */
export function rasterizePdf(pdf: Uint8Array, dpi: number): Promise<Uint8Array> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, 'page.pdf'), pdf);
    await run('pdftoppm', [
      '-r',
      String(dpi),
      '-png',
      '-singlefile',
      join(dir, 'page.pdf'),
      join(dir, 'page'),
    ]);
    return new Uint8Array(await readFile(join(dir, 'page.png')));
  });
}

/** pdfinfo's page count and page size in points. */
export function pdfInfo(pdf: Uint8Array): Promise<{ pages: number; widthPt: number; heightPt: number }> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, 'doc.pdf'), pdf);
    const { stdout } = await run('pdfinfo', [join(dir, 'doc.pdf')]);
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(stdout);
    const pages = /Pages:\s+(\d+)/.exec(stdout);
    if (size === null || pages === null) throw new Error(`pdfinfo said: ${stdout}`);
    return { pages: Number(pages[1]), widthPt: Number(size[1]), heightPt: Number(size[2]) };
  });
}

/** The text poppler extracts, in reading order. */
export function pdfText(pdf: Uint8Array): Promise<string> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, 'doc.pdf'), pdf);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'doc.pdf'), '-']);
    return stdout;
  });
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((byte, i) => png[i] === byte)) throw new Error('not a PNG');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
