import {
  BeginTranslationAnswerSchema,
  EndTranslationAnswerSchema,
  IndiciumError,
  OFFICER_PATHS,
  PackageListAnswerSchema,
  PROTOCOL_VERSION,
  PsdRecordsAnswerSchema,
  SetPsdServiceAnswerSchema,
  StoreTranslatedPackageAnswerSchema,
} from '@indicium/protocol';
import type { OfficerSession } from '../officers/officer-session.js';
import type { VaultClient } from './vault-client.js';

export interface SweepOptions {
  readonly client: VaultClient;
  /** The officer session on the module that translates (the master: it holds every MKS). */
  readonly session: OfficerSession;
  /** The active MKS version: every package under another one is translated to it. */
  readonly activeVersion: number;
  readonly say: (line: string) => void;
  /** Store rows per list page. */
  readonly pageSize?: number;
}

export interface SweepFailure {
  readonly meterId: string;
  readonly code: string;
  readonly message: string;
}

export interface SweepResult {
  /** Packages found under another MKS version when the sweep began. */
  readonly found: number;
  readonly translated: number;
  /** Found, but under the active version by the time they were read (a sweep running twice). */
  readonly skipped: number;
  readonly failed: readonly SweepFailure[];
  /** Packages still under another MKS version (or unreadable) when the sweep ended. */
  readonly remaining: number;
}

type Listed = { meterId: string; version: number; mksVersion: number | null };

/** Every package the store holds, with the MKS version of its clear header, page by page. */
export async function listPackages(client: VaultClient, pageSize = 500): Promise<Listed[]> {
  const all: Listed[] = [];
  let after: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (after !== null) query.set('after', after);
    const page = await client.get(`${OFFICER_PATHS.packages}?${query}`, PackageListAnswerSchema);
    all.push(...page.packages);
    after = page.next;
  } while (after !== null);
  return all;
}

/** Packages not (readably) under `activeVersion`: what a sweep still has to do. */
export async function packagesToTranslate(
  client: VaultClient,
  activeVersion: number,
  pageSize?: number,
): Promise<Listed[]> {
  return (await listPackages(client, pageSize)).filter((p) => p.mksVersion !== activeVersion);
}

/**
 * Runs `work` with module `serial` out of its node's PSD service (DESIGN §3.4,
 * `officer-package-routes.ts`: no new lease, the ones given drained, its row checked) and gives it
 * back whatever happens: for the sweep, and while the master is in Exporting Shares during a
 * rollover's clone, where it refuses PSD commands (DESIGN §3.1).
 */
export async function outOfPsdService<T>(
  client: VaultClient,
  serial: string,
  say: (line: string) => void,
  why: string,
  work: () => Promise<T>,
): Promise<T> {
  const servicePath = OFFICER_PATHS.psdService.replace('{serial}', encodeURIComponent(serial));
  await client.send(
    'POST',
    servicePath,
    { protocol: PROTOCOL_VERSION, psdService: false },
    SetPsdServiceAnswerSchema,
  );
  say(`${serial}: out of PSD service for ${why}`);
  try {
    return await work();
  } finally {
    await client.send(
      'POST',
      servicePath,
      { protocol: PROTOCOL_VERSION, psdService: true },
      SetPsdServiceAnswerSchema,
    );
    say(`${serial}: back in PSD service`);
  }
}

const path = (template: string, meterId: string) =>
  template.replace('{meterId}', encodeURIComponent(meterId));

/**
 * The package sweep of a rollover (DESIGN §3.4): every meter package not under the active MKS is
 * translated to it on one module, in the officer's session, and stored with that module's new
 * checkpoint as one unit. The module is out of PSD service meanwhile (the vault's
 * `officer-package-routes.ts` says why) and is given back whatever happens. Per meter: hold the
 * meter and read its package and the module's row → Translate PSD Package → store, replacing
 * exactly the version read; a STALE_PACKAGE refusal (the hold expired and the meter moved on) is
 * retried once from a fresh read. A package already under the active MKS is skipped, so a sweep
 * can run again, or resume after a crash, safely. A meter the module refuses (a package edited in
 * the database: PACKAGE_INTEGRITY) is reported and left as it is; the sweep goes on.
 */
export async function sweepPackages(options: SweepOptions): Promise<SweepResult> {
  const { client, session, activeVersion, say } = options;
  const module = session.serial;
  const todo = await packagesToTranslate(client, activeVersion, options.pageSize);
  say(`${todo.length} meter package(s) to translate to MKS v${activeVersion} on ${module}`);
  let translated = 0;
  let skipped = 0;
  const failed: SweepFailure[] = [];
  if (todo.length > 0) {
    await outOfPsdService(client, module, say, 'the sweep', async () => {
      await session.as(session.first('security-officer'), async (officer) => {
        const translateOne = async (meterId: string): Promise<'translated' | 'skipped'> => {
          const held = await client.send(
            'POST',
            path(OFFICER_PATHS.translation, meterId),
            { protocol: PROTOCOL_VERSION, module },
            BeginTranslationAnswerSchema,
          );
          let records: ReturnType<typeof PsdRecordsAnswerSchema.parse>;
          try {
            if (held.mksVersion === activeVersion) return 'skipped';
            const result = await officer.call('translate-psd-package', {
              package: held.package,
              checkpoint: held.checkpoint,
            });
            records = PsdRecordsAnswerSchema.parse(result);
          } catch (error) {
            await client.send(
              'DELETE',
              path(OFFICER_PATHS.translation, meterId),
              undefined,
              EndTranslationAnswerSchema,
            );
            throw error;
          }
          await client.send(
            'PUT',
            path(OFFICER_PATHS.package, meterId),
            {
              protocol: PROTOCOL_VERSION,
              module,
              replacesVersion: held.version,
              package: records.package,
              checkpoint: records.checkpoint,
            },
            StoreTranslatedPackageAnswerSchema,
          );
          return 'translated';
        };
        for (const { meterId } of todo) {
          try {
            let outcome: 'translated' | 'skipped';
            try {
              outcome = await translateOne(meterId);
            } catch (error) {
              if (!(error instanceof IndiciumError && error.code === 'STALE_PACKAGE')) throw error;
              say(`${meterId}: the meter moved on meanwhile; reading it again`);
              outcome = await translateOne(meterId);
            }
            if (outcome === 'translated') translated += 1;
            else skipped += 1;
          } catch (error) {
            if (!(error instanceof IndiciumError)) throw error;
            failed.push({ meterId, code: error.code, message: error.message });
            say(`${meterId}: NOT translated: ${error.code}: ${error.message}`);
          }
          say(`translated ${translated}/${todo.length} meters`);
        }
      });
    });
  }
  const remaining = (await packagesToTranslate(client, activeVersion, options.pageSize)).length;
  return { found: todo.length, translated, skipped, failed, remaining };
}
