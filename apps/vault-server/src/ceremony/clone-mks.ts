import { IndiciumError } from '@indicium/protocol';
import type { OfficerSession } from '../officers/officer-session.js';
import { moduleKeyFingerprint } from './module-key-fingerprint.js';

interface TransportKeyExport {
  readonly transportKey: unknown;
  readonly fingerprint: string;
}
interface ShareExport {
  readonly share: Record<string, unknown>;
  readonly sourceFingerprint: string;
}
export interface CombinedMks {
  readonly mksVersion: number;
  readonly kcv: string;
  readonly exportable: boolean;
  readonly status: 'active' | 'dormant';
}

export interface CloneMksOptions {
  readonly source: OfficerSession;
  /** The source's module key as pinned (base64 SPKI): custodians confirm shares come from it. */
  readonly sourceModulePublicKey: string;
  readonly destination: OfficerSession;
  /** The MKS key-check value the source answered at Generate MKS; the combined MKS must match. */
  readonly expectedKcv: string;
  readonly n: number;
  readonly k: number;
  /** May the destination export this MKS again (true), or is it retained there for good? */
  readonly exportable: boolean;
  /** A rollover shares the new, still dormant MKS; default the source's active one. */
  readonly mksVersion?: number;
  readonly progress?: (line: string) => void;
}

/**
 * Moves an MKS from `source` to `destination` through the share commands (DESIGN §3.4), each step
 * by the officer whose role the command table names: the destination's first custodian exports
 * its (already generated) transport public key; the source's SO splits the MKS n ways with
 * threshold k; n source custodians export one share each to that key (the last one returns the
 * source to Operational); k destination custodians import theirs, confirming the source module
 * key by fingerprint; the destination's SO combines. The destination must already be in
 * Importing Shares (Generate Transport Key Pair for a new clone, Start Importing MKS for a
 * rollover).
 */
export async function cloneMks(options: CloneMksOptions): Promise<CombinedMks> {
  const { source, destination, n, k } = options;
  const say = options.progress ?? (() => undefined);
  const sourceKcs = source.all('key-custodian');
  const destinationKcs = destination.all('key-custodian');
  if (sourceKcs.length < n)
    throw new IndiciumError('INVALID_FIELD', {
      field: 'n',
      detail: `${source.serial} has ${sourceKcs.length} custodians`,
    });
  if (destinationKcs.length < k)
    throw new IndiciumError('INVALID_FIELD', {
      field: 'k',
      detail: `${destination.serial} has ${destinationKcs.length} custodians`,
    });

  const tpk = await destination.call<TransportKeyExport>(
    destinationKcs[0] as string,
    'export-transport-public-key',
  );
  say(`${destination.serial}: transport key ${tpk.fingerprint.slice(0, 16)}… exported`);
  await source.call(source.first('security-officer'), 'create-mks-shares', {
    n,
    k,
    ...(options.mksVersion === undefined ? {} : { mksVersion: options.mksVersion }),
  });
  const expectedSource = moduleKeyFingerprint(options.sourceModulePublicKey);
  const shares: Record<string, unknown>[] = [];
  for (const custodian of sourceKcs.slice(0, n)) {
    const out = await source.call<ShareExport>(custodian, 'export-mks-share', {
      transportKey: tpk.transportKey,
      destinationFingerprint: tpk.fingerprint,
      exportable: options.exportable,
    });
    if (out.sourceFingerprint !== expectedSource) {
      throw new IndiciumError('SHARE_INVALID', {
        field: 'sourceFingerprint',
        detail: 'the share is not from the pinned source module',
      });
    }
    shares.push(out.share);
  }
  say(`${source.serial}: ${n} shares exported to ${destination.serial} (threshold ${k})`);
  for (const [i, share] of shares.slice(0, k).entries()) {
    await destination.call(destinationKcs[i] as string, 'import-mks-share', {
      share,
      sourceFingerprint: expectedSource,
    });
  }
  const combined = await destination.call<CombinedMks>(
    destination.first('security-officer'),
    'combine-mks-shares',
  );
  if (combined.kcv !== options.expectedKcv) {
    throw new IndiciumError('KEY_CHECK_FAILED', {
      detail: `${destination.serial} combined an MKS with another key-check value`,
    });
  }
  say(`${destination.serial}: MKS v${combined.mksVersion} combined, key-check value ${combined.kcv} matches`);
  return combined;
}
