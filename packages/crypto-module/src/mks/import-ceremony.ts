import { timingSafeEqual } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import { combine } from 'shamir-secret-sharing';
import { MKS_KEY_LENGTH, storedMksFromKeys } from './mks-generate.js';
import { keyCheckMatches } from './mks-key-check.js';
import type { ImportCeremonyState, MksSection, StoredMks } from './mks-section.js';
import type { OpenedShare } from './share-envelope.js';

/** The import state a module starts with at Generate Transport Key Pair or Start Importing MKS. */
export function emptyImportCeremony(now: number): ImportCeremonyState {
  return {
    ceremonyId: null,
    mksVersion: null,
    n: null,
    k: null,
    exportable: null,
    kcv: null,
    sourceModuleKey: null,
    shares: [],
    startedAt: now,
  };
}

function mismatch(field: string): never {
  throw new IndiciumError('SHARE_INVALID', {
    field,
    detail: 'the share belongs to another ceremony than the shares already imported',
  });
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * Import MKS Share (DESIGN §3.3): adds one opened share to the ceremony. The first share fixes the
 * ceremony; each later one must agree on every bound fact, and neither its index, its Shamir
 * x-coordinate nor its custodian may repeat. All of this is checked here, before combining, so a
 * bad share is named precisely instead of surfacing as a key-check failure.
 */
export function acceptShare(
  state: ImportCeremonyState,
  opened: OpenedShare,
  custodianId: string,
  now: number,
  held: MksSection,
): ImportCeremonyState {
  if (state.shares.some((s) => s.custodianId === custodianId)) {
    throw new IndiciumError('SHARE_DUPLICATE', {
      field: 'custodianId',
      detail: 'this Key Custodian has already imported a share',
    });
  }
  if (state.ceremonyId === null) {
    // Versions only go up: re-importing a version this module held (even one deleted after a
    // rollover, from shares kept since) would bring back keys whose tokens are meant to be dead.
    const versions = [held.active, ...held.dormant].map((mks) => mks?.version ?? 0);
    if (opened.mksVersion <= Math.max(held.highestVersion, ...versions)) {
      throw new IndiciumError('SHARE_INVALID', {
        field: 'mksVersion',
        detail: 'this module holds or held that MKS version, or a later one',
      });
    }
    // The seed's rollover rule, enforced: a module holding a retained MKS receives the next one
    // retained too, so a rollover never quietly turns a retained clone into an exporting one.
    if (opened.exportable && held.active !== null && !held.active.exportable) {
      throw new IndiciumError('SHARE_INVALID', {
        field: 'exportable',
        detail: 'a module holding a retained MKS accepts only a retained replacement',
      });
    }
  } else {
    if (opened.ceremonyId !== state.ceremonyId) mismatch('ceremonyId');
    if (opened.mksVersion !== state.mksVersion) mismatch('mksVersion');
    if (opened.n !== state.n) mismatch('n');
    if (opened.k !== state.k) mismatch('k');
    if (opened.exportable !== state.exportable) mismatch('exportable');
    if (b64(opened.kcv) !== state.kcv) mismatch('kcv');
    if (b64(opened.sourceModuleKey) !== state.sourceModuleKey) mismatch('sourceModuleKey');
  }
  const share = Buffer.from(opened.share);
  const xCoordinate = share[share.length - 1];
  for (const held of state.shares) {
    const other = Buffer.from(held.share, 'base64');
    if (
      held.index === opened.index ||
      other[other.length - 1] === xCoordinate ||
      timingSafeEqual(other, share)
    ) {
      throw new IndiciumError('SHARE_DUPLICATE', { field: 'index', details: { index: opened.index } });
    }
  }
  return {
    ceremonyId: opened.ceremonyId,
    mksVersion: opened.mksVersion,
    n: opened.n,
    k: opened.k,
    exportable: opened.exportable,
    kcv: b64(opened.kcv),
    sourceModuleKey: b64(opened.sourceModuleKey),
    shares: [...state.shares, { index: opened.index, share: b64(share), custodianId, importedAt: now }],
    startedAt: state.startedAt,
  };
}

/**
 * Combine MKS Shares (DESIGN §3.3): rebuilds MEK ‖ MAK from at least k shares and checks the result
 * against the key-check value every share carried. The caller destroys the collected shares
 * whatever the outcome, except for SHARES_INSUFFICIENT, which changes nothing.
 *
 * @example
 * const mks = await combineShares(nvm.mks.importCeremony, now); // a StoredMks with its KCV checked
 */
export async function combineShares(state: ImportCeremonyState, now: number): Promise<StoredMks> {
  const k = state.k;
  if (k === null || state.shares.length < k || state.mksVersion === null || state.kcv === null) {
    throw new IndiciumError('SHARES_INSUFFICIENT', {
      details: { imported: state.shares.length, threshold: k },
    });
  }
  // The library insists on plain Uint8Array (not Buffer); every copy is wiped after use.
  const parts = state.shares.map((s) => new Uint8Array(Buffer.from(s.share, 'base64')));
  let secret: Buffer;
  try {
    secret = Buffer.from(await combine(parts));
  } catch (cause) {
    throw new IndiciumError('KEY_CHECK_FAILED', { detail: 'the shares do not combine', cause });
  } finally {
    for (const part of parts) part.fill(0);
  }
  try {
    const mek = secret.subarray(0, MKS_KEY_LENGTH);
    const mak = secret.subarray(MKS_KEY_LENGTH);
    const expected = Buffer.from(state.kcv, 'base64');
    if (secret.length !== 2 * MKS_KEY_LENGTH || !keyCheckMatches(mek, mak, state.mksVersion, expected)) {
      throw new IndiciumError('KEY_CHECK_FAILED', { details: { mksVersion: state.mksVersion } });
    }
    return storedMksFromKeys(mek, mak, state.mksVersion, state.exportable === true, now);
  } finally {
    secret.fill(0);
  }
}
