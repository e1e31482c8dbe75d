import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProgressStage } from '@indicium/protocol';
import { buildPageCallTable } from '../apps/companion/src/calls/build-page-call-table.js';
import { createCallDependencies } from '../apps/companion/src/calls/create-call-dependencies.js';
import { dispatchPageCall } from '../apps/companion/src/calls/page-call-table.js';
import { emptyConfig, ensureDataDir, writeConfig } from '../apps/companion/src/config/companion-config.js';
import { companionPaths } from '../apps/companion/src/config/companion-paths.js';
import { MEDIUM_IDS } from '../apps/companion/src/render/media-table.js';
import { createVaultClient } from '../apps/companion/src/vault/create-vault-client.js';
import { startVaultProcess, type VaultProcess } from '../apps/vault-server/src/http/testing/vault-process.js';
import { signUp } from '../apps/vault-server/test/support/e2e-protocol-client.js';
import { benchTransaction } from './drive-load.js';
import { type LatencySummary, summarize } from './latency-summary.js';

/**
 * `npm run bench:print` (issue 9): the print path of one companion, per medium — the page call
 * `print` through the companion's real dispatch table, vault client and renderer against the real
 * vault over HTTPS: Get Challenge when needed, Create Indicium, the answer's MAC, the signature
 * under the meter certificate chained to the pinned postal CA, every field, the synced journal, and
 * the PDF rendered. "PDF ready" is the `printing` stage (the PDF exists; the folder printer then
 * only writes it). Prints run one after another, as one person at one computer prints.
 */

const PASSPHRASE = 'a long passphrase for the print benchmark';
const FROM = ['Ada Lovelace', '12 Main St', 'New York NY 10001'];
const TO = ['Grace Hopper', '1 Navy Yard Rd', 'Danville CA 94507'];

interface MediumReport {
  /** Request → PDF ready: what the target is about. */
  readonly toPdf: LatencySummary;
  /** Request → indicium verified (and journaled): the vault round trip and the checks. */
  readonly toVerified: LatencySummary;
  /** Verified → PDF ready: rendering alone. */
  readonly render: LatencySummary;
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      prints: { type: 'string' },
      warmup: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const prints = Number(values.prints ?? '40');
  const warmup = Number(values.warmup ?? '3');
  if (!(Number.isInteger(prints) && prints > 0 && Number.isInteger(warmup) && warmup >= 0)) {
    process.stderr.write('--prints: a positive integer; --warmup: a non-negative integer\n');
    process.exit(2);
  }
  const outDir = values.out ?? join(import.meta.dirname, 'results');
  const root = await mkdtemp(join(tmpdir(), 'indicium-bench-print-'));
  let vault: VaultProcess | null = null;
  let lock: () => void = () => undefined;
  try {
    vault = await startVaultProcess(join(root, 'vault'), []);
    const web = await signUp(vault, `print-${Date.now()}@example.test`);
    const licence = await web.call('POST', '/v1/licences', {
      protocol: 1,
      licensingZip: '20260-0001',
      idempotencyKey: 'bench-print',
    });
    const { meterId } = licence.json<{ meterId: string }>();
    const token = await web.call('POST', `/v1/meters/${meterId}/registration-tokens`, {
      protocol: 1,
      mode: 'configure',
      userId: 'bench',
    });
    const { registrationToken } = token.json<{ registrationToken: string }>();

    const companionDir = join(root, 'companion');
    const folder = join(root, 'printed');
    await ensureDataDir(companionDir);
    await mkdir(folder);
    const paths = companionPaths(companionDir);
    const config = {
      ...emptyConfig(),
      vault: { url: vault.url, caPem: (await vault.request('GET', '/v1/ca')).text, tlsCaPem: vault.devCaPem },
      printFolders: { bench: folder },
      defaultPrinter: 'folder:bench',
    };
    await writeConfig(paths.config, config);
    const deps = createCallDependencies(paths, config, createVaultClient({ dataDir: () => companionDir }));
    lock = () => deps.secrets.lock();
    const table = buildPageCallTable(deps);
    let marks: Partial<Record<ProgressStage, number>> = {};
    const context = {
      origin: vault.url,
      requestId: 'bench',
      progress: (stage: ProgressStage) => {
        marks[stage] = performance.now();
      },
    };
    await dispatchPageCall(
      table,
      deps,
      'register',
      {
        mode: 'configure',
        meterId,
        customerId: web.customerId,
        userId: 'bench',
        registrationToken,
        passphrase: PASSPHRASE,
      },
      context,
    );
    const bought = await web.call('POST', `/v1/meters/${meterId}/purchases`, {
      protocol: 1,
      amountMills: 500_000,
      idempotencyKey: 'bench-print-funds',
    });
    if (bought.status !== 200) throw new Error(`purchase: ${bought.status} ${bought.text}`);
    out(
      `vault ${vault.url}; meter ${meterId} registered through the companion; ${prints} prints per medium after ${warmup} warm-up`,
    );

    const { kind, postageMills, mailingDate, rateCategory, originZip } = benchTransaction();
    const media: Record<string, MediumReport> = {};
    for (const medium of MEDIUM_IDS) {
      const toPdf: number[] = [];
      const toVerified: number[] = [];
      const render: number[] = [];
      for (let i = 0; i < warmup + prints; i += 1) {
        marks = {};
        const started = performance.now();
        const answer = await dispatchPageCall(
          table,
          deps,
          'print',
          {
            meterId,
            userId: 'bench',
            transaction: {
              kind,
              postageMills,
              mailingDate,
              rateCategory,
              originZip,
              destinationZip: '94507',
            },
            medium,
            printerId: 'folder:bench',
            sender: FROM,
            recipient: TO,
          },
          context,
        );
        if (!answer.printed) throw new Error('the folder printer did not take the PDF');
        const { rendering, printing } = marks;
        if (rendering === undefined || printing === undefined) throw new Error('no rendering/printing stage');
        if (i < warmup) continue;
        toPdf.push(printing - started);
        toVerified.push(rendering - started);
        render.push(printing - rendering);
      }
      const report = {
        toPdf: summarize(toPdf),
        toVerified: summarize(toVerified),
        render: summarize(render),
      };
      media[medium] = report;
      out(
        `${medium.padEnd(12)} request → PDF ready p50 ${ms(report.toPdf.p50Ms)} ms, p99 ${ms(report.toPdf.p99Ms)} ms` +
          `  (→ verified p50 ${ms(report.toVerified.p50Ms)} ms; render p50 ${ms(report.render.p50Ms)} ms)`,
      );
    }
    const met = Object.values(media).every((m) => m.toPdf.p50Ms < 100);
    out(`target p50 < 100 ms for every medium: ${met ? 'met' : 'not met'}`);
    const report = { prints, media, targets: { p50Below100Ms: met } };
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'bench-print.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (values.json === true) out(JSON.stringify(report));
  } finally {
    lock();
    await vault?.stop();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
