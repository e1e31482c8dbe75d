import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProgram } from './run-program.js';

/**
 * Decodes the Data Matrix of a printed PDF with independent tools (DESIGN §5): `pdftoppm -r 300`
 * renders the first page, `dmtxread` decodes it. Returns the decoded bytes (the 114-byte indicium).
 */
export async function decodePrintedPdf(pdf: string, workDir: string): Promise<Buffer> {
  const prefix = join(workDir, 'page');
  await runProgram('pdftoppm', ['-r', '300', '-png', '-singlefile', pdf, prefix]);
  const png = `${prefix}.png`;
  // dmtxread prints the message as raw bytes on stdout; read it as bytes, not text.
  const out = join(workDir, 'decoded.bin');
  await runProgram('sh', ['-c', `dmtxread -N1 "$0" > "$1"`, png, out], { timeoutMs: 120_000 });
  return readFile(out);
}
