import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  verify,
} from 'node:crypto';
import {
  type AuditEntry,
  AuthorizeCustomerSig,
  type ModuleOutcome,
  PasswordResetStartSig,
  RefundSig,
  type RegistrationChallenge,
  type Transaction,
  toBase64,
  ValueDownloadSig,
} from '@indicium/protocol';
import type { CryptoCardTokens } from '../src/mks/crypto-card-tokens.js';
import { MeterClient } from '../src/psd/client/meter-client.js';
import { signProviderMessage } from '../src/psd/client/provider-signing.js';
import {
  encryptClientSecrets,
  verifyConfigureAnswer,
  verifyRegistrationChallenge,
} from '../src/psd/client/registration-client.js';
import { splitPackage } from '../src/psd/package/package-codec.js';
import {
  logon,
  type ManualClock,
  MODULE_SERIAL,
  OFFICERS,
  operationalHarness,
} from '../src/testing/module-harness.js';
import { PoolModule } from './pool-harness.js';
import { TestPostalCa } from './postal-ca.js';

/**
 * Test support for PSD work: real modules (one with a hand-moved clock, or a pool cloned by the real
 * share ceremony), a sample postal CA, the provider key, and a host that does what the vault does —
 * passes package and checkpoint in, stores what comes back. Nothing of the module is faked.
 */

export const TEST_LIMITS = Object.freeze({
  minPostage: 10,
  maxPostage: 100_000,
  maxDescendingRegister: 500_000,
  maxAscendingRegister: 1_000_000_000,
});

/** One module as the host sees it. */
export interface PsdHost {
  readonly serial: string;
  readonly audit: AuditEntry[];
  dispatch(request: unknown): Promise<ModuleOutcome>;
}

export interface PsdCard {
  readonly ca: TestPostalCa;
  readonly providerKey: KeyObject;
  readonly registrationPublicKey: string;
  readonly clientSecretPublicKey: string;
  readonly tokens: CryptoCardTokens;
}

interface CardAnswer {
  tokens: CryptoCardTokens;
  registrationPublicKey: string;
  clientSecretPublicKey: string;
}

async function cardParameters(): Promise<{ ca: TestPostalCa; providerKey: KeyObject; params: object }> {
  const ca = await TestPostalCa.create();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const providerPublicKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    ca,
    providerKey: privateKey,
    params: { postalCaCertificatePem: ca.pem, providerPublicKey, limits: TEST_LIMITS },
  };
}

/** One Operational module with a crypto-card and a clock the test moves. */
export async function singleModule(): Promise<{
  host: PsdHost;
  card: PsdCard;
  clock: ManualClock;
  so: (command: string, body?: unknown) => Promise<unknown>;
}> {
  const h = await operationalHarness();
  const { ca, providerKey, params } = await cardParameters();
  const so = async (command: string, body: unknown = {}) => {
    await logon(h.client, OFFICERS.so);
    try {
      return await h.client.call(command, body);
    } finally {
      await h.client.call('logoff');
    }
  };
  const card = (await so('initialize-crypto-card', params)) as CardAnswer;
  return {
    host: { serial: MODULE_SERIAL, audit: h.audit, dispatch: (r) => h.dispatch(r) },
    card: { ca, providerKey, ...card },
    clock: h.clock,
    so,
  };
}

/** A master and `clones` modules sharing one MKS (2-of-2 shares) and one crypto-card. */
export async function modulePool(
  clones: number,
): Promise<{ modules: PoolModule[]; hosts: PsdHost[]; card: PsdCard }> {
  const serials = ['POOL-A', 'POOL-B', 'POOL-C', 'POOL-D'].slice(0, clones + 1);
  const modules = await Promise.all(serials.map((s) => PoolModule.initialized(s)));
  const [master, ...others] = modules as [PoolModule, ...PoolModule[]];
  await master.as('so', 'generate-mks');
  const { ca, providerKey, params } = await cardParameters();
  const card = await master.as<CardAnswer>('so', 'initialize-crypto-card', params);
  for (const clone of others) {
    await clone.as('so', 'generate-transport-key-pair');
    const tpk = await clone.as<{ transportKey: unknown; fingerprint: string }>(
      'kc1',
      'export-transport-public-key',
    );
    await master.as('so', 'create-mks-shares', { n: 2, k: 2 });
    for (const kc of ['kc1', 'kc2'] as const) {
      const { share } = await master.as<{ share: unknown }>(kc, 'export-mks-share', {
        transportKey: tpk.transportKey,
        destinationFingerprint: tpk.fingerprint,
        exportable: true,
      });
      await clone.as(kc, 'import-mks-share', { share, sourceFingerprint: master.fingerprint });
    }
    await clone.as('so', 'combine-mks-shares');
    await clone.as('so', 'update-crypto-card', { tokens: card.tokens });
  }
  const hosts = modules.map(
    (m): PsdHost => ({
      serial: m.serial,
      audit: m.audit,
      dispatch: async (request) => {
        const outcome = await m.module.dispatch(request);
        if (outcome.audit !== undefined) m.audit.push(outcome.audit);
        return outcome;
      },
    }),
  );
  return { modules, hosts, card: { ca, providerKey, ...card } };
}

/** The vault's module table: each module's latest checkpoint record. */
export class ModuleTable {
  readonly #rows = new Map<string, string | null>();
  get(serial: string): string | null {
    return this.#rows.get(serial) ?? null;
  }
  set(serial: string, checkpoint: string): void {
    this.#rows.set(serial, checkpoint);
  }
}

/** A failed dispatch, as a value tests assert on. */
export class Refused extends Error {
  constructor(
    readonly code: string,
    readonly field: string | undefined,
  ) {
    super(`${code}${field === undefined ? '' : ` (${field})`}`);
  }
}

let providerTime = Date.UTC(2025, 11, 1);
/** Strictly increasing provider timestamps. */
export function providerNow(): string {
  providerTime += 1000;
  return new Date(providerTime).toISOString();
}

export const LICENSING_ZIP = '94107';
export const CUSTOMER_ID = 'cust-1';
let nextSerial = 1001;

/** The host side of one meter: the database row (package) plus the module table. */
export class TestMeter {
  package = '';
  /** SPKI DER (base64) of the indicium key, from Initialize PSD. */
  publicKey = '';
  constructor(
    readonly meterId: string,
    readonly table: ModuleTable,
    readonly card: PsdCard,
  ) {}

  /** Sends a PSD command with this meter's package and the module's checkpoint; stores what comes back. */
  async send(host: PsdHost, command: string, body: Record<string, unknown> = {}): Promise<ModuleOutcome> {
    const outcome = await host.dispatch({
      command,
      body: {
        ...(this.package === '' ? {} : { package: this.package }),
        checkpoint: this.table.get(host.serial),
        ...body,
      },
    });
    if (outcome.ok) {
      const result = outcome.result as { package?: string; checkpoint?: string };
      if (result.package !== undefined) this.package = result.package;
      if (result.checkpoint !== undefined) this.table.set(host.serial, result.checkpoint);
    }
    return outcome;
  }

  async ok<T = Record<string, unknown>>(
    host: PsdHost,
    command: string,
    body: Record<string, unknown> = {},
  ): Promise<T> {
    const outcome = await this.send(host, command, body);
    if (!outcome.ok) throw new Refused(outcome.error.code, outcome.error.field);
    return outcome.result as T;
  }

  /** Expects a refusal; returns its code and field. */
  async refused(
    host: PsdHost,
    command: string,
    body: Record<string, unknown> = {},
  ): Promise<{ code: string; field: string | undefined }> {
    const outcome = await this.send(host, command, body);
    if (outcome.ok) throw new Error(`${command} was expected to be refused`);
    return { code: outcome.error.code, field: outcome.error.field };
  }

  provider<T extends object>(
    layout: Parameters<typeof signProviderMessage>[0],
    fields: T,
    key = this.card.providerKey,
  ) {
    return signProviderMessage(
      layout,
      {
        meterId: this.meterId,
        nonce: toBase64(randomBytes(16)),
        issuedAt: providerNow(),
        packageVersion: this.packageVersion,
        ...fields,
      },
      key,
    );
  }

  authorizeCustomerMessage(maximum: number = TEST_LIMITS.maxDescendingRegister) {
    return this.provider(AuthorizeCustomerSig, {
      customerId: CUSTOMER_ID,
      licensingZip: LICENSING_ZIP,
      maximumDescendingRegisterMills: maximum,
    });
  }

  /** The version in the clear header of the package the host holds (what the vault's provider reads). */
  get packageVersion(): number {
    return this.package === '' ? 0 : splitPackage(Buffer.from(this.package, 'base64')).header.packageVersion;
  }

  /** A Value Download issued for `packageVersion` (by default, like every message, the package held now). */
  downloadMessage(
    controlTotalMills: number,
    amountMills: number,
    key?: KeyObject,
    packageVersion = this.packageVersion,
  ) {
    return this.provider(ValueDownloadSig, { packageVersion, controlTotalMills, amountMills }, key);
  }

  refundMessage(controlTotalMills: number) {
    return this.provider(RefundSig, { controlTotalMills, mailingDate: '2026-11-27' });
  }

  resetMessage(userId: string) {
    return this.provider(PasswordResetStartSig, { userId });
  }

  /** Initialize PSD then Authorize PSD with a certificate from the test CA. */
  static async certified(
    host: PsdHost,
    table: ModuleTable,
    card: PsdCard,
    meterId?: string,
  ): Promise<TestMeter> {
    const serial = nextSerial++;
    const id = meterId ?? `00042-00001-${String(serial).padStart(10, '0')}`;
    const meter = new TestMeter(id, table, card);
    const made = await meter.ok<{ publicKey: string }>(host, 'initialize-psd', { meterId: id });
    meter.publicKey = made.publicKey;
    const certificate = await card.ca.issue(id, made.publicKey, serial);
    await meter.ok(host, 'authorize-psd', { certificate });
    return meter;
  }

  /** Registration challenge then a configure-type command (DESIGN §4.2); returns the user's secrets. */
  async register(
    host: PsdHost,
    command: 'configure-psd' | 'register-psd-user' | 'complete-password-reset',
    userId: string,
    secrets: { hmk?: Uint8Array; passphraseHash?: Uint8Array } = {},
  ): Promise<{ outcome: ModuleOutcome; hmk: Uint8Array; passphraseHash: Uint8Array }> {
    const mode =
      command === 'configure-psd' ? 'configure' : command === 'register-psd-user' ? 'add-user' : 'reset';
    const { answer } = await this.ok<{ answer: RegistrationChallenge }>(host, 'registration-challenge', {
      request: { protocol: 1, meterId: this.meterId, registrationToken: 'A'.repeat(43) },
    });
    verifyRegistrationChallenge(this.card.registrationPublicKey, answer);
    const hmk = secrets.hmk ?? new Uint8Array(randomBytes(32));
    const passphraseHash = secrets.passphraseHash ?? passphrase(userId);
    const encryptedSecrets = encryptClientSecrets(this.card.clientSecretPublicKey, {
      mode,
      meterId: this.meterId,
      customerId: CUSTOMER_ID,
      userId,
      challenge: Buffer.from(answer.challenge, 'base64'),
      hmk,
      passphraseHash,
    });
    const outcome = await this.send(host, command, {
      request: {
        protocol: 1,
        mode,
        meterId: this.meterId,
        customerId: CUSTOMER_ID,
        userId,
        registrationToken: 'A'.repeat(43),
        challenge: answer.challenge,
        encryptedSecrets,
      },
    });
    if (outcome.ok) {
      const result = outcome.result as { answer: Parameters<typeof verifyConfigureAnswer>[1] | null };
      if (result.answer !== null) verifyConfigureAnswer(hmk, result.answer);
    }
    return { outcome, hmk, passphraseHash };
  }

  /** A client for a registered user, after Get Challenge. */
  async client(host: PsdHost, userId: string, hmk: Uint8Array): Promise<MeterClient> {
    const client = new MeterClient({ meterId: this.meterId, userId, hmk });
    const { answer } = await this.ok<{ answer: Parameters<MeterClient['acceptChallenge']>[0] }>(
      host,
      'get-challenge',
      {
        request: client.getChallengeRequest(),
      },
    );
    client.acceptChallenge(answer);
    return client;
  }

  /** One indicium through the client: request, module, verified answer. */
  async print(
    host: PsdHost,
    client: MeterClient,
    postageMills: number,
    kind: 'postage' | 'correction' = 'postage',
  ): Promise<Uint8Array> {
    const request = client.createIndiciumRequest(transaction(postageMills, kind));
    const { answer } = await this.ok<{ answer: Parameters<MeterClient['acceptIndicium']>[0] }>(
      host,
      kind === 'postage' ? 'create-indicium' : 'create-correction-indicium',
      { request },
    );
    return client.acceptIndicium(answer);
  }
}

/**
 * Whether an indicium verifies under a meter key through node:crypto alone (DESIGN §5): bytes 0–49
 * signed, bytes 50–113 the raw r‖s — no codec of ours in between.
 */
export function indiciumVerifies(indicium: Uint8Array, publicKeySpki: string): boolean {
  if (indicium.length !== 114) return false;
  const signedPart = indicium.subarray(0, 50);
  const signature = indicium.subarray(50);
  const key = createPublicKey({ key: Buffer.from(publicKeySpki, 'base64'), format: 'der', type: 'spki' });
  return verify('sha256', signedPart, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

/** A deterministic 32-byte client passphrase hash per label. */
export function passphrase(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`passphrase:${label}`).digest());
}

export function transaction(postageMills: number, kind: 'postage' | 'correction' = 'postage'): Transaction {
  return {
    kind,
    postageMills,
    mailingDate: '2026-11-27',
    rateCategory: 'FCLT',
    originZip: LICENSING_ZIP,
    destinationZip: '10001',
    pageOrigin: 'https://meter.example',
  };
}

/** A leased meter with its Customer Administrator `alice` registered and `funds` downloaded. */
export async function leasedMeter(
  host: PsdHost,
  table: ModuleTable,
  card: PsdCard,
  funds = 100_000,
): Promise<{ meter: TestMeter; hmk: Uint8Array; client: MeterClient }> {
  const meter = await TestMeter.certified(host, table, card);
  const { outcome, hmk } = await meter.register(host, 'configure-psd', 'alice');
  if (!outcome.ok) throw new Refused(outcome.error.code, outcome.error.field);
  await meter.ok(host, 'authorize-customer', { message: meter.authorizeCustomerMessage() });
  if (funds > 0) await meter.ok(host, 'value-download', { message: meter.downloadMessage(0, funds) });
  const client = await meter.client(host, 'alice', hmk);
  return { meter, hmk, client };
}
