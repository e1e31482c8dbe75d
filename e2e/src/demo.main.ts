/**
 * `npm run demo`: the whole print flow in headless Chromium (issue 7) — sign up, licence, register
 * this computer, buy postage, print a #10 envelope — with the real extension and companion, against
 * a running vault (`--vault URL [--tls-ca FILE]`) or a temporary one. Progress goes to stderr; the
 * last line on stdout is one JSON object: {"pdf", "indiciumHex", "vault", "postageMills"}.
 */
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseIndicium } from '@indicium/protocol';
import { buyPostage, licenceAndRegister, printPiece, signUp } from './flows/web-flows.js';
import { decodePrintedPdf } from './harness/decode-printed-pdf.js';
import { openE2eWorld } from './harness/e2e-world.js';
import { vaultFetch } from './harness/start-vault.js';

const say = (line: string) => process.stderr.write(`demo: ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { vault: { type: 'string' }, 'tls-ca': { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const existing =
    values.vault === undefined
      ? undefined
      : {
          url: values.vault,
          // The development CA a vault on embedded defaults makes on first run.
          tlsCaFile: values['tls-ca'] ?? join(homedir(), '.indicium', 'vault', 'tls', 'dev-ca.cert.pem'),
        };
  say(
    existing === undefined
      ? 'starting a temporary vault (first run: key ceremony)…'
      : `using ${existing.url}`,
  );
  const world = await openE2eWorld('demo', existing);
  try {
    const base = world.vault.url;
    say(`vault ${base}; installing the companion into the browser profile…`);
    const companion = await world.installCompanion();
    const page = await world.context.newPage();
    const stamp = Date.now().toString(36);
    say('signing up…');
    await signUp(page, base, {
      displayName: 'Demo Customer',
      email: `demo.${stamp}@example.com`,
      password: `demo password ${stamp}`,
    });
    say('applying for a licence and registering this computer…');
    await licenceAndRegister(page, base, { licensingZip: '62701', passphrase: `demo passphrase ${stamp}` });
    say('buying $20.00 of postage…');
    await buyPostage(page, base, '20.00');
    say('printing a #10 envelope…');
    const printed = await printPiece(page, base, {
      from: 'Demo Customer\n1 Main St\nSpringfield IL 62701',
      to: 'Bob Receiver\n2 Elm St\nBoston MA 02108',
      destinationZip: '02108',
      classId: 'first-class-letter',
      ounces: '1',
      medium: 'envelope-10',
    });
    const pdfs = (await readdir(companion.printDir)).filter((f) => f.endsWith('.pdf'));
    const printedPdf = pdfs[0];
    if (printedPdf === undefined) throw new Error('the companion printed no PDF');
    const outDir = values.out ?? (await mkdtemp(join(tmpdir(), 'indicium-demo-')));
    const pdf = join(outDir, 'indicium-envelope-10.pdf');
    await copyFile(join(companion.printDir, printedPdf), pdf);
    say(`checking the printed Data Matrix (pdftoppm + dmtxread) and /v1/verify…`);
    const decoded = await decodePrintedPdf(pdf, world.root);
    if (decoded.toString('hex') !== printed.indiciumHex)
      throw new Error('the PDF does not carry the issued indicium');
    const verified = await vaultFetch(base, world.vault.tlsCaPem, '/v1/verify', {
      body: { protocol: 1, indicium: decoded.toString('base64') },
    });
    if (verified.status !== 200 || verified.json<{ valid: boolean }>().valid !== true) {
      throw new Error(`the vault does not verify the printed indicium: ${verified.text}`);
    }
    const fields = parseIndicium(new Uint8Array(decoded));
    say(`printed; new balance ${printed.newBalance}`);
    process.stdout.write(
      `${JSON.stringify({ pdf, indiciumHex: printed.indiciumHex, vault: base, postageMills: fields.fields.postageMills })}\n`,
    );
  } finally {
    await world.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
