import type { ModulePort } from '@indicium/crypto-module';
import { IndiciumError } from '@indicium/protocol';
import type { OfficerSession } from '../officers/officer-session.js';
import type { ModuleCredentials, OfficerCredential, OfficersFile } from '../officers/officers-file.js';
import { OFFICERS_FILE_FORMAT } from '../officers/officers-file.js';
import type { ModulePool } from '../pool/module-pool.js';
import { type CombinedMks, cloneMks } from './clone-mks.js';
import { generateOfficers, initializeModule } from './initialize-module.js';
import { VAULT_MANIFEST_FORMAT, type VaultManifest } from './vault-manifest.js';

/** Indicium limits loaded at Initialize Crypto-Card, in mills (DESIGN §3.3, §4.4). */
export interface CryptoCardLimits {
  readonly minPostage: number;
  readonly maxPostage: number;
  readonly maxDescendingRegister: number;
  readonly maxAscendingRegister: number;
}

/** $0.01 to $100 per piece, $500 in the descending register (DESIGN §3.3's default). */
export const DEFAULT_CRYPTO_CARD_LIMITS: CryptoCardLimits = Object.freeze({
  minPostage: 10,
  maxPostage: 100_000,
  maxDescendingRegister: 500_000,
  // The indicium's ascending register is a 40-bit field (DESIGN §5).
  maxAscendingRegister: 2 ** 40 - 1,
});

export interface FirstRunCeremonyOptions {
  /** The pool's modules, all Uninitialized; the first becomes the master. */
  readonly pool: ModulePool;
  readonly postalCaCertificatePem: string;
  readonly providerPublicKey: string;
  readonly shares: { readonly n: number; readonly k: number };
  readonly limits?: CryptoCardLimits;
  readonly progress?: (line: string) => void;
}

export interface FirstRunResult {
  readonly officers: OfficersFile;
  readonly manifest: VaultManifest;
}

interface CardAnswer {
  readonly tokens: Record<string, string | number>;
  readonly registrationPublicKey: string;
  readonly clientSecretPublicKey: string;
}

/**
 * The real key ceremony of DESIGN §3.4 and §6, unattended, through module commands only: every
 * module is initialized with its own generated officers; the master generates the MKS and the
 * crypto-card; every clone makes its transport key pair and receives the MKS as k of n shares;
 * then loads the crypto-card tokens. Officer commands run over real sessions, each by the role
 * the command table names. RSA-3072 key generation runs in the module threads in parallel.
 */
export async function runFirstRunCeremony(options: FirstRunCeremonyOptions): Promise<FirstRunResult> {
  const { pool, shares } = options;
  const say = options.progress ?? (() => undefined);
  const serials = pool.serials();
  const [masterSerial] = serials;
  if (masterSerial === undefined)
    throw new IndiciumError('INVALID_FIELD', { field: 'modules', detail: 'the pool has no module' });
  const port = (serial: string): ModulePort => ({ dispatch: (r) => pool.dispatch(r, { module: serial }) });

  say(`initializing ${serials.length} modules (officers with generated passphrases)`);
  const modules = await Promise.all(
    serials.map(async (serial) => {
      const officers: OfficerCredential[] = generateOfficers(Math.max(shares.n, 2));
      const { session, modulePublicKey } = await initializeModule(port(serial), serial, officers);
      return { serial, officers, session, modulePublicKey };
    }),
  );
  const master = modules[0] as (typeof modules)[number];
  const clones = modules.slice(1);
  const so = (s: OfficerSession) => s.first('security-officer');

  try {
    say(
      `${masterSerial}: generating the MKS and the crypto-card; clones: generating RSA-3072 transport keys`,
    );
    const [mks, card] = await Promise.all([
      (async () => {
        const generated = await master.session.call<CombinedMks>(so(master.session), 'generate-mks');
        const answer = await master.session.call<CardAnswer>(so(master.session), 'initialize-crypto-card', {
          postalCaCertificatePem: options.postalCaCertificatePem,
          providerPublicKey: options.providerPublicKey,
          limits: options.limits ?? DEFAULT_CRYPTO_CARD_LIMITS,
        });
        return [generated, answer] as const;
      })(),
      ...clones.map((c) => c.session.call(so(c.session), 'generate-transport-key-pair')),
    ]).then(([first]) => first);
    say(`${masterSerial}: MKS v${mks.mksVersion}, key-check value ${mks.kcv}`);

    for (const clone of clones) {
      await cloneMks({
        source: master.session,
        sourceModulePublicKey: master.modulePublicKey,
        destination: clone.session,
        expectedKcv: mks.kcv,
        n: shares.n,
        k: shares.k,
        exportable: true,
        progress: say,
      });
      await clone.session.call(so(clone.session), 'update-crypto-card', { tokens: card.tokens });
      say(`${clone.serial}: crypto-card loaded`);
    }

    const now = new Date().toISOString();
    const credentials: ModuleCredentials[] = modules.map((m) => ({
      serial: m.serial,
      origin: m === master ? 'master' : 'clone',
      modulePublicKey: m.modulePublicKey,
      officers: m.officers,
    }));
    return {
      officers: { format: OFFICERS_FILE_FORMAT, createdAt: now, modules: credentials },
      manifest: {
        format: VAULT_MANIFEST_FORMAT,
        createdAt: now,
        master: masterSerial,
        modules: modules.map((m) => ({
          serial: m.serial,
          modulePublicKey: m.modulePublicKey,
          inService: true,
        })),
        mks: { version: mks.mksVersion, kcv: mks.kcv },
        shares: { n: shares.n, k: shares.k },
        cryptoCard: card.tokens,
        cardPublicKeys: {
          registration: card.registrationPublicKey,
          clientSecret: card.clientSecretPublicKey,
        },
      },
    };
  } finally {
    await Promise.allSettled(modules.map((m) => m.session.close()));
  }
}
