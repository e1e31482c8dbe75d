import { randomBytes } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import { split } from 'shamir-secret-sharing';
import { mksSecret } from './mks-generate.js';
import type { ExportCeremonyState, ShareExportRecord, StoredMks } from './mks-section.js';
import type { ModuleSigningKey } from './module-signature.js';
import { sealShareEnvelope } from './seal-share-envelope.js';
import { MAX_SHARES, type ShareEnvelope } from './share-envelope.js';
import type { VerifiedTransportKey } from './transport-key.js';

/**
 * Create MKS Shares (DESIGN §3.3): splits MEK ‖ MAK of one MKS into n Shamir shares, any k of which
 * rebuild it. Only an exportable MKS may be split: a retained copy never leaves its module
 * (DESIGN §3.4), whatever the officer asks.
 *
 * @example
 * const ceremony = await createShareCeremony(nvm.mks.active, 3, 2, now); // then Exporting Shares
 */
export async function createShareCeremony(
  mks: StoredMks,
  n: number,
  k: number,
  now: number,
): Promise<ExportCeremonyState> {
  if (!mks.exportable) {
    throw new IndiciumError('SHARE_NOT_EXPORTABLE', { details: { mksVersion: mks.version } });
  }
  if (!Number.isSafeInteger(n) || n < 2 || n > MAX_SHARES) {
    throw new IndiciumError('INVALID_FIELD', { field: 'n', detail: `n must be 2..${MAX_SHARES}` });
  }
  if (!Number.isSafeInteger(k) || k < 2 || k > n) {
    throw new IndiciumError('INVALID_FIELD', { field: 'k', detail: 'k must be 2..n' });
  }
  // The library insists on plain Uint8Array (not Buffer); both copies are wiped after use.
  const raw = mksSecret(mks);
  const secret = new Uint8Array(raw);
  raw.fill(0);
  try {
    const shares = await split(secret, n, k);
    return {
      ceremonyId: randomBytes(16).toString('hex'),
      mksVersion: mks.version,
      n,
      k,
      pending: shares.map((share, i) => ({ index: i + 1, share: Buffer.from(share).toString('base64') })),
      exported: [],
      startedAt: now,
    };
  } finally {
    secret.fill(0);
  }
}

export interface ExportShareInput {
  readonly custodianId: string;
  readonly destination: VerifiedTransportKey;
  readonly exportable: boolean;
  readonly moduleKey: ModuleSigningKey;
  readonly now: number;
}

export interface ExportedShare {
  readonly envelope: ShareEnvelope;
  readonly record: ShareExportRecord;
  /** The ceremony after this export; null when it was the last share (→ Operational). */
  readonly next: ExportCeremonyState | null;
}

/**
 * Export MKS Share (DESIGN §3.3): the next pending share, encrypted to the destination, once per Key
 * Custodian. The share leaves the ceremony state as it is exported, so the module never holds it
 * again.
 */
export function exportShare(
  state: ExportCeremonyState,
  mks: StoredMks,
  input: ExportShareInput,
): ExportedShare {
  if (mks.version !== state.mksVersion) throw new IndiciumError('MKS_MISSING', { field: 'mksVersion' });
  if (!mks.exportable)
    throw new IndiciumError('SHARE_NOT_EXPORTABLE', { details: { mksVersion: mks.version } });
  if (typeof input.exportable !== 'boolean') {
    throw new IndiciumError('INVALID_FIELD', { field: 'exportable', detail: 'must be a boolean' });
  }
  if (state.exported.some((record) => record.custodianId === input.custodianId)) {
    throw new IndiciumError('SHARE_DUPLICATE', {
      field: 'custodianId',
      detail: 'this Key Custodian has already exported a share of this ceremony',
    });
  }
  const [next, ...rest] = state.pending;
  if (next === undefined) throw new IndiciumError('WRONG_STATE', { detail: 'no share left to export' });
  const envelope = sealShareEnvelope({
    facts: {
      ceremonyId: state.ceremonyId,
      mksVersion: state.mksVersion,
      index: next.index,
      n: state.n,
      k: state.k,
      exportable: input.exportable,
      kcv: Buffer.from(mks.kcv, 'base64'),
      destinationFingerprint: input.destination.fingerprint,
    },
    share: Buffer.from(next.share, 'base64'),
    transportPublicKey: input.destination.publicKey,
    moduleKey: input.moduleKey,
  });
  const record: ShareExportRecord = {
    custodianId: input.custodianId,
    index: next.index,
    destinationFingerprint: input.destination.fingerprint,
    exportable: input.exportable,
    exportedAt: input.now,
  };
  const after = { ...state, pending: rest, exported: [...state.exported, record] };
  return { envelope, record, next: rest.length === 0 ? null : after };
}
