import { createHmac, generateKeyPairSync, sign, verify, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  attachIndiciumSignature,
  CreateIndiciumAnswerMac,
  fromBase64,
  layoutBytesOf,
  parseIndicium,
  toBase64,
} from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/companion-cli.js';
import {
  type CompanionConfig,
  emptyConfig,
  ensureDataDir,
  writeConfig,
} from '../src/config/companion-config.js';
import { companionPaths } from '../src/config/companion-paths.js';
import { makeTestPki, type TestPki } from '../src/install/fake-vault-tls.fixture.js';
import { HostProcess } from '../src/native/host-process.fixture.js';
import { rasterizePdf, scanDataMatrix } from '../src/render/print-tools.fixture.js';
import { SecretStore } from '../src/secrets/secret-store.js';
import { createVaultClient, PENDING_REQUESTS_FILE } from '../src/vault/create-vault-client.js';
import { type RealVault, signUpCustomer, startMitm, startRealVault } from './vault-harness.fixture.js';

/**
 * The companion's vault client against the real vault process (DESIGN §4.2, §4.3): registration,
 * buying postage through the vault's account API, printing into a folder, and the PDF read back by
 * independent tools (pdftoppm, dmtxread) to bytes that verify under the meter certificate. Failures
 * in transit and tampered answers go through an HTTPS man in the middle between the two.
 */

const PASSPHRASE = 'a long passphrase for the companion';
const PAGE_ORIGIN = 'https://meter.example';
const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
let root: string;
let vault: RealVault;
let mitm: Awaited<ReturnType<typeof startMitm>>;
let pki: TestPki;
let postalCaPem: string;
let companionDir: string;
let qaDir: string;
let meterId: string;
let web: Awaited<ReturnType<typeof signUpCustomer>>;

async function cli(args: string[], input = '') {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  stdin.end(input);
  const env = { PATH: process.env.PATH, INDICIUM_COMPANION_HOME: companionDir };
  const code = await runCli(args, {
    stdin,
    stdout,
    stderr,
    env,
    home: root,
    vault: createVaultClient({ dataDir: () => companionDir }),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Points the companion's install at the vault directly, or through the man in the middle. */
async function pin(via: 'direct' | 'mitm' | 'mitm-unpinned'): Promise<void> {
  const config: CompanionConfig = {
    ...emptyConfig(),
    vault: {
      url: via === 'direct' ? vault.url : mitm.url,
      caPem: postalCaPem,
      tlsCaPem: via === 'mitm' ? pki.tlsCaPem : vault.devCaPem,
    },
    origins: [PAGE_ORIGIN],
    chromeExtensionIds: [EXTENSION_ID],
    printFolders: { qa: qaDir },
    defaultPrinter: 'folder:qa',
  };
  await writeConfig(companionPaths(companionDir).config, config);
}

const printArgs = (postageMills: number) => [
  'print',
  '--meter',
  meterId,
  '--user',
  'ada',
  '--postage-mills',
  String(postageMills),
  '--rate-category',
  'FCLT',
  '--origin-zip',
  '10001',
  '--destination-zip',
  '94507',
  '--date',
  '2026-11-26',
  '--medium',
  'label-4x6',
  '--printer',
  'folder:qa',
  '--from',
  'Ada Lovelace',
  '--from',
  '12 Main St',
  '--from',
  'New York NY 10001',
  '--to',
  'Grace Hopper',
  '--to',
  '1 Navy Yard Rd',
  '--to',
  'Danville CA 94507',
];

const printed = async () => (await readdir(qaDir)).filter((f) => f.endsWith('.pdf')).sort();
const history = () =>
  web.call<{ items: { ascendingRegisterMills: number }[] }>('GET', `/v1/meters/${meterId}/history?limit=100`);
const pendingFile = () => join(companionDir, PENDING_REQUESTS_FILE);
const pendingCount = async () =>
  (JSON.parse(await readFile(pendingFile(), 'utf8').catch(() => '{"pending":[]}')) as { pending: unknown[] })
    .pending.length;

/** The HMK, as only the holder of the passphrase can read it: what an attacker who had it could do. */
async function stolenHmk(): Promise<Uint8Array> {
  const store = new SecretStore({ file: companionPaths(companionDir).secrets, idleTimeoutMs: 60_000 });
  await store.unlock(PASSPHRASE);
  try {
    return store.meterUser(meterId, 'ada').hmk;
  } finally {
    store.lock();
  }
}

function remac(answer: Record<string, unknown>, hmk: Uint8Array): Record<string, unknown> {
  const mac = createHmac('sha256', hmk).update(layoutBytesOf(CreateIndiciumAnswerMac, answer)).digest();
  return { ...answer, mac: toBase64(mac) };
}

async function decodePdf(file: string): Promise<Uint8Array> {
  return scanDataMatrix(await rasterizePdf(new Uint8Array(await readFile(join(qaDir, file))), 300));
}

async function meterCertificate(serial: number): Promise<X509Certificate> {
  const answer = await vault.request('GET', `/v1/certificates/${serial}`);
  expect(answer.status).toBe(200);
  return new X509Certificate(answer.text);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'companion-vault-'));
  companionDir = join(root, 'companion');
  qaDir = join(root, 'qa');
  await ensureDataDir(companionDir);
  await mkdir(qaDir);
  await mkdir(join(root, 'pki'));
  [vault, pki] = await Promise.all([startRealVault(join(root, 'vault')), makeTestPki(join(root, 'pki'))]);
  mitm = await startMitm(vault, { key: pki.leafKeyPem, cert: pki.leafPem });
  const ca = await vault.request('GET', '/v1/ca');
  postalCaPem = ca.text;
  web = await signUpCustomer(vault, 'ada@example.com');
  const licence = await web.call<{ meterId: string | null }>('POST', '/v1/licences', {
    protocol: 1,
    licensingZip: '10001',
    idempotencyKey: 'licence-0001',
  });
  if (licence.meterId === null) throw new Error('no meter assigned');
  meterId = licence.meterId;
  await pin('direct');
}, 300_000);

afterAll(async () => {
  await mitm?.close();
  await vault?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('companion ↔ real vault', () => {
  let firstIndicium: Uint8Array;

  it('register → buy postage → print into a folder: the PDF decodes to an indicium the meter signed', async () => {
    const token = await web.call<{ registrationToken: string }>(
      'POST',
      `/v1/meters/${meterId}/registration-tokens`,
      { protocol: 1, mode: 'configure', userId: 'ada' },
    );
    const registered = await cli(
      [
        'register',
        '--meter',
        meterId,
        '--customer',
        web.customerId,
        '--user',
        'ada',
        '--token',
        token.registrationToken,
      ],
      `${PASSPHRASE}\n`,
    );
    expect(registered.stderr).toContain('… challenge');
    expect(registered).toMatchObject({ code: 0 });
    expect(registered.stdout).toContain(`registered ada@${meterId}`);
    expect((await stat(companionPaths(companionDir).secrets)).mode & 0o777).toBe(0o600);

    await web.call('POST', `/v1/meters/${meterId}/purchases`, {
      protocol: 1,
      amountMills: 20_000,
      idempotencyKey: 'purchase-0001',
    });
    const result = await cli(printArgs(730), `${PASSPHRASE}\n`);
    expect(result.stderr).toContain('… verifying');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('printed');
    const files = await printed();
    expect(files).toHaveLength(1);

    const bytes = await decodePdf(files[0] as string);
    expect(bytes).toHaveLength(114);
    const { fields, signedPart, signature } = parseIndicium(bytes);
    expect(fields).toMatchObject({
      postageMills: 730,
      mailingDate: '2026-11-26',
      originZip: '10001',
      destinationZip: '94507',
      rateCategory: 'FCLT',
      kind: 'postage',
      ascendingRegisterMills: 730,
      descendingRegisterMills: 19_270,
      pieceCount: 1,
      sample: true,
    });
    const certificate = await meterCertificate(fields.certificateSerial);
    expect(certificate.checkIssued(new X509Certificate(postalCaPem))).toBe(true);
    expect(certificate.subject).toBe(`CN=${meterId}`);
    expect(
      verify('sha256', signedPart, { key: certificate.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);
    const checked = await vault.request('POST', '/v1/verify', {
      body: { protocol: 1, indicium: toBase64(bytes) },
    });
    expect(JSON.parse(checked.text)).toMatchObject({ valid: true, deviceId: meterId });
    firstIndicium = bytes;

    const status = await cli(['status', '--registers'], `${PASSPHRASE}\n`);
    expect(status.stdout).toContain(`ada@${meterId}: ascending $0.73, descending $19.27`);
  }, 240_000);

  it('an answer lost in transit: the same request again yields the stored indicium, not a second one', async () => {
    await pin('mitm');
    const before = (await history()).items.length;
    // Lost once: the client sends the very same request again at once.
    mitm.intercept({ kind: 'cut' });
    const once = await cli(printArgs(500), `${PASSPHRASE}\n`);
    expect(once).toMatchObject({ code: 0 });
    expect(mitm.intercepted).toBe(1);
    expect((await history()).items.length).toBe(before + 1);

    // Lost twice: the print fails, the request stays pending, nothing is printed...
    const files = await printed();
    mitm.intercept({ kind: 'cut' }, { kind: 'cut' });
    const failed = await cli(printArgs(510), `${PASSPHRASE}\n`);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('VAULT_UNREACHABLE');
    expect(await printed()).toEqual(files);
    expect(await pendingCount()).toBe(1);
    // ...though the vault committed it; the next try settles that very indicium.
    expect((await history()).items.length).toBe(before + 2);
    const retried = await cli(printArgs(510), `${PASSPHRASE}\n`);
    expect(retried).toMatchObject({ code: 0 });
    expect((await history()).items.length).toBe(before + 2);
    expect(await pendingCount()).toBe(0);
    const newest = (await printed()).filter((f) => !files.includes(f));
    expect(newest).toHaveLength(1);
    const { fields } = parseIndicium(await decodePdf(newest[0] as string));
    expect(fields).toMatchObject({ postageMills: 510, ascendingRegisterMills: 730 + 500 + 510 });
  }, 240_000);

  it('a purchase since the last print: the stale registers are refused, one Get Challenge resynchronises', async () => {
    await pin('direct');
    const before = (await history()).items.length;
    await web.call('POST', `/v1/meters/${meterId}/purchases`, {
      protocol: 1,
      amountMills: 5_000,
      idempotencyKey: 'purchase-0002',
    });
    const result = await cli(printArgs(420), `${PASSPHRASE}\n`);
    expect(result).toMatchObject({ code: 0 });
    // issuing (refused: REGISTER_MISMATCH), then challenge, then issuing again.
    expect(result.stderr).toMatch(/… issuing\n… challenge\n… issuing\n… verifying/);
    expect((await history()).items.length).toBe(before + 1);
  }, 240_000);

  it('a request lost before it reached the vault, then a purchase: the resend is refused, a fresh one prints', async () => {
    await pin('mitm');
    const before = (await history()).items.length;
    mitm.intercept({ kind: 'drop' }, { kind: 'drop' });
    const lost = await cli(printArgs(450), `${PASSPHRASE}\n`);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain('VAULT_UNREACHABLE');
    expect(await pendingCount()).toBe(1);
    expect((await history()).items.length).toBe(before);
    // The purchase moves the DR, so the pending request's registers no longer match (REGISTER_MISMATCH):
    // the vault refuses it, which proves it made nothing, and the print starts afresh.
    await web.call('POST', `/v1/meters/${meterId}/purchases`, {
      protocol: 1,
      amountMills: 1_000,
      idempotencyKey: 'purchase-0003',
    });
    const files = await printed();
    const retried = await cli(printArgs(450), `${PASSPHRASE}\n`);
    expect(retried).toMatchObject({ code: 0 });
    expect(retried.stderr).toMatch(/… issuing\n… challenge\n… issuing\n… verifying/);
    expect(await pendingCount()).toBe(0);
    expect((await history()).items.length).toBe(before + 1);
    expect((await printed()).filter((f) => !files.includes(f))).toHaveLength(1);
    await pin('direct');
  }, 240_000);

  it("a refusal the vault sends (more postage than the meter holds) is the vault's code; nothing pending or printed", async () => {
    await pin('direct');
    const files = await printed();
    const result = await cli(printArgs(90_000), `${PASSPHRASE}\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('INSUFFICIENT_FUNDS');
    expect(await pendingCount()).toBe(0);
    expect(await printed()).toEqual(files);
    // The meter certificate was verified once and kept on disk for later sessions.
    expect((await readdir(join(companionDir, 'meter-certificates'))).length).toBe(1);
  }, 120_000);

  it('a pending piece and a different print: the pending one is settled into the journal, the new one printed', async () => {
    await pin('mitm');
    const before = (await history()).items.length;
    mitm.intercept({ kind: 'cut' }, { kind: 'cut' });
    expect((await cli(printArgs(530), `${PASSPHRASE}\n`)).code).toBe(1);
    expect(await pendingCount()).toBe(1);
    const files = await printed();
    const other = await cli(printArgs(540), `${PASSPHRASE}\n`);
    expect(other).toMatchObject({ code: 0 });
    expect(await pendingCount()).toBe(0);
    expect((await history()).items.length).toBe(before + 2);
    const newest = (await printed()).filter((f) => !files.includes(f));
    expect(newest).toHaveLength(1);
    expect(parseIndicium(await decodePdf(newest[0] as string)).fields.postageMills).toBe(540);
    const journal = JSON.parse((await cli(['history', '--meter', meterId, '--json'])).stdout) as {
      items: { postageMills: number; status: string }[];
    };
    expect(journal.items.find((i) => i.postageMills === 530)?.status).toBe('issued');
    expect(journal.items.find((i) => i.postageMills === 540)?.status).toBe('printed');
    await pin('direct');
  }, 240_000);

  it('the native-messaging host (bin/native-host.ts) prints for a page with the same client', async () => {
    await pin('direct');
    const host = new HostProcess([`chrome-extension://${EXTENSION_ID}/`], {
      INDICIUM_COMPANION_HOME: companionDir,
    });
    try {
      const frame = (type: string, payload: unknown) => ({
        kind: 'request',
        protocol: 1,
        requestId: `req-${type}-0001`,
        origin: PAGE_ORIGIN,
        request: { type, payload },
      });
      host.send({ kind: 'hello', protocol: 1, component: 'extension', version: '0.1.0' });
      expect(await host.next(60_000)).toMatchObject({ kind: 'hello' });
      host.send(frame('unlock', { passphrase: PASSPHRASE }));
      expect(await host.next(60_000)).toMatchObject({ kind: 'response', for: 'unlock' });
      host.send(
        frame('print', {
          meterId,
          userId: 'ada',
          transaction: {
            kind: 'postage',
            postageMills: 880,
            mailingDate: '2026-11-27',
            rateCategory: 'FCLT',
            originZip: '10001',
            destinationZip: null,
          },
          medium: 'envelope-10',
          printerId: 'folder:qa',
          sender: ['Ada Lovelace', '12 Main St', 'New York NY 10001'],
          recipient: ['Grace Hopper', '1 Navy Yard Rd', 'Danville CA 94507'],
        }),
      );
      const stages: unknown[] = [];
      let answer = await host.next(60_000);
      while (answer.kind === 'progress') {
        stages.push(answer.stage);
        answer = await host.next(60_000);
      }
      expect(answer).toMatchObject({ kind: 'response', for: 'print', payload: { printed: true } });
      expect(stages).toEqual(['issuing', 'verifying', 'rendering', 'printing']);
      const payload = (answer as { payload: { indiciumBytes: string } }).payload;
      expect(parseIndicium(fromBase64(payload.indiciumBytes)).fields).toMatchObject({
        postageMills: 880,
        destinationZip: null,
        mailingDate: '2026-11-27',
      });
    } finally {
      await host.close();
    }
  }, 240_000);

  describe('tampered answers are refused and nothing is printed', () => {
    async function refusedThenSettled(tamper: (answer: Record<string, unknown>) => Record<string, unknown>) {
      await pin('mitm');
      const files = await printed();
      const before = (await history()).items.length;
      mitm.intercept({ kind: 'rewrite', rewrite: tamper });
      const result = await cli(printArgs(600), `${PASSPHRASE}\n`);
      expect(result.code).toBe(1);
      expect(await printed()).toEqual(files);
      // The vault committed the piece; an honest path later settles that same one.
      await pin('direct');
      const settled = await cli(printArgs(600), `${PASSPHRASE}\n`);
      expect(settled).toMatchObject({ code: 0 });
      expect((await history()).items.length).toBe(before + 1);
      return result.stderr;
    }

    it('a flipped MAC: MAC_INVALID', async () => {
      const stderr = await refusedThenSettled((answer) => {
        const mac = Buffer.from(String(answer.mac), 'base64');
        mac[0] = (mac[0] ?? 0) ^ 0x80;
        return { ...answer, mac: mac.toString('base64') };
      });
      expect(stderr).toContain('MAC_INVALID');
    }, 240_000);

    it('an indicium signed by another key, re-MACed with the stolen HMK: SIGNATURE_INVALID', async () => {
      const hmk = await stolenHmk();
      const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const stderr = await refusedThenSettled((answer) => {
        const { signedPart } = parseIndicium(fromBase64(String(answer.indicium)));
        const forged = sign('sha256', signedPart, { key: forger.privateKey, dsaEncoding: 'ieee-p1363' });
        return remac({ ...answer, indicium: toBase64(attachIndiciumSignature(signedPart, forged)) }, hmk);
      });
      expect(stderr).toContain('SIGNATURE_INVALID');
    }, 240_000);

    it('a genuine older indicium substituted, re-MACed with the stolen HMK: INDICIUM_MISMATCH', async () => {
      const hmk = await stolenHmk();
      const stderr = await refusedThenSettled((answer) =>
        remac({ ...answer, indicium: toBase64(firstIndicium) }, hmk),
      );
      expect(stderr).toContain('INDICIUM_MISMATCH');
    }, 240_000);
  });

  it('registration refuses a swapped key bundle, a forged challenge and a forged receipt; nothing is stored', async () => {
    const grace = await signUpCustomer(vault, 'grace@example.com');
    const licence = await grace.call<{ meterId: string }>('POST', '/v1/licences', {
      protocol: 1,
      licensingZip: '94507',
      idempotencyKey: 'licence-0002',
    });
    const token = await grace.call<{ registrationToken: string }>(
      'POST',
      `/v1/meters/${licence.meterId}/registration-tokens`,
      { protocol: 1, mode: 'configure', userId: 'grace' },
    );
    const register = () =>
      cli(
        [
          'register',
          '--meter',
          licence.meterId,
          '--customer',
          grace.customerId,
          '--user',
          'grace',
          '--token',
          token.registrationToken,
        ],
        `${PASSPHRASE}\n`,
      );
    const flip = (field: string) => (answer: Record<string, unknown>) => {
      const bytes = Buffer.from(String(answer[field]), 'base64');
      bytes[5] = (bytes[5] ?? 0) ^ 0x01;
      return { ...answer, [field]: bytes.toString('base64') };
    };
    await pin('mitm');
    // A key of the right kind and size: only the bundle's signature can tell it is not the module's.
    const attacker = generateKeyPairSync('rsa', { modulusLength: 3072 });
    mitm.intercept({
      path: '/v1/registration/key-bundle',
      kind: 'rewrite',
      rewrite: (bundle) => ({
        ...bundle,
        clientSecretPublicKey: toBase64(attacker.publicKey.export({ format: 'der', type: 'spki' })),
      }),
    });
    const swapped = await register();
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toContain('SIGNATURE_INVALID');

    mitm.intercept({ path: '/v1/registration/challenge', kind: 'rewrite', rewrite: flip('signature') });
    const forgedChallenge = await register();
    expect(forgedChallenge.code).toBe(1);
    expect(forgedChallenge.stderr).toContain('SIGNATURE_INVALID');

    mitm.intercept({ path: '/v1/registration/configure', kind: 'rewrite', rewrite: flip('mac') });
    const forgedReceipt = await register();
    expect(forgedReceipt.code).toBe(1);
    expect(forgedReceipt.stderr).toContain('MAC_INVALID');

    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { registrations: unknown[] };
    expect(status.registrations).toEqual([{ meterId, userId: 'ada' }]);
    await pin('direct');
  }, 240_000);

  it('a server whose TLS certificate does not chain to the pinned CA: CERTIFICATE_INVALID, nothing sent', async () => {
    await pin('mitm-unpinned');
    const files = await printed();
    const before = (await history()).items.length;
    const result = await cli(printArgs(700), `${PASSPHRASE}\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CERTIFICATE_INVALID');
    expect(await printed()).toEqual(files);
    expect((await history()).items.length).toBe(before);
    await pin('direct');
  }, 120_000);
});
