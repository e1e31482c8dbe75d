import { createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createShareCeremony, exportShare } from './export-ceremony.js';
import { acceptShare, combineShares, emptyImportCeremony } from './import-ceremony.js';
import { keyFingerprint } from './key-fingerprint.js';
import { generateMks } from './mks-generate.js';
import {
  emptyMksSection,
  type ImportCeremonyState,
  type StoredMks,
  type TransportKeyPair,
} from './mks-section.js';
import { standaloneModuleKey } from './module-signature.js';
import { type OpenShareContext, openShareEnvelope } from './open-share-envelope.js';
import { sealShareEnvelope } from './seal-share-envelope.js';
import type { OpenedShare, ShareEnvelope } from './share-envelope.js';
import {
  generateTransportKeyPair,
  signTransportKey,
  type VerifiedTransportKey,
  verifyTransportKey,
} from './transport-key.js';

const master = standaloneModuleKey();
const cloneModule = standaloneModuleKey();
const masterFingerprint = keyFingerprint(master.publicKeySpki);
const mks = generateMks(1, 100);
let cloneTpk: TransportKeyPair;
let otherTpk: TransportKeyPair;
let destination: VerifiedTransportKey;
let otherDestination: VerifiedTransportKey;
let openContext: OpenShareContext;

beforeAll(async () => {
  [cloneTpk, otherTpk] = await Promise.all([generateTransportKeyPair(1), generateTransportKeyPair(1)]);
  destination = verifyTransportKey(signTransportKey(cloneTpk, cloneModule), cloneTpk.fingerprint);
  otherDestination = verifyTransportKey(signTransportKey(otherTpk, cloneModule), otherTpk.fingerprint);
  openContext = {
    transportPrivateKey: createPrivateKey({
      key: Buffer.from(cloneTpk.privateKeyPkcs8, 'base64'),
      format: 'der',
      type: 'pkcs8',
    }),
    transportFingerprint: cloneTpk.fingerprint,
    expectedSourceFingerprint: masterFingerprint,
  };
});

/** Runs an export ceremony for `custodians`, each to `to`, returning the envelopes. */
async function exportAll(
  source: StoredMks,
  n: number,
  k: number,
  custodians: readonly string[],
  to: () => VerifiedTransportKey = () => destination,
  exportable = true,
): Promise<ShareEnvelope[]> {
  let state = await createShareCeremony(source, n, k, 5);
  const envelopes: ShareEnvelope[] = [];
  for (const custodianId of custodians) {
    if (state === null) throw new Error('ceremony ended early');
    const out = exportShare(state, source, {
      custodianId,
      destination: to(),
      exportable,
      moduleKey: master,
      now: 6,
    });
    envelopes.push(out.envelope);
    state = out.next as typeof state;
  }
  return envelopes;
}

function importAll(envelopes: readonly ShareEnvelope[]): ImportCeremonyState {
  let state = emptyImportCeremony(7);
  for (const [i, envelope] of envelopes.entries()) {
    state = acceptShare(state, openShareEnvelope(envelope, openContext), `kc${i}`, 8, emptyMksSection());
  }
  return state;
}

const flipB64 = (b64: string, at: number) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes.toString('base64');
};

describe('Create MKS Shares / Export MKS Share', () => {
  it('splits into n pending shares of 65 bytes under a fresh ceremony id', async () => {
    const state = await createShareCeremony(mks, 3, 2, 5);
    expect(state).toMatchObject({ mksVersion: 1, n: 3, k: 2, exported: [], startedAt: 5 });
    expect(state.ceremonyId).toMatch(/^[0-9a-f]{32}$/);
    expect(state.pending.map((p) => p.index)).toEqual([1, 2, 3]);
    for (const p of state.pending) expect(Buffer.from(p.share, 'base64').length).toBe(65);
    expect((await createShareCeremony(mks, 3, 2, 5)).ceremonyId).not.toBe(state.ceremonyId);
  });

  it.each([
    [1, 1, 'n'],
    [256, 2, 'n'],
    [3, 1, 'k'],
    [3, 4, 'k'],
    [2.5, 2, 'n'],
  ])('refuses n=%s k=%s', async (n, k, field) => {
    await expect(createShareCeremony(mks, n, k, 0)).rejects.toMatchObject({ code: 'INVALID_FIELD', field });
  });

  it('refuses to split a retained MKS', async () => {
    await expect(createShareCeremony({ ...mks, exportable: false }, 2, 2, 0)).rejects.toMatchObject({
      code: 'SHARE_NOT_EXPORTABLE',
    });
  });

  it('exports one share per custodian and ends after the last', async () => {
    const state = await createShareCeremony(mks, 2, 2, 5);
    const input = { destination, exportable: true, moduleKey: master, now: 6 };
    const first = exportShare(state, mks, { ...input, custodianId: 'kc1' });
    expect(first.record).toMatchObject({
      custodianId: 'kc1',
      index: 1,
      destinationFingerprint: cloneTpk.fingerprint,
    });
    expect(first.next?.pending).toHaveLength(1);
    expect(() => exportShare(first.next as typeof state, mks, { ...input, custodianId: 'kc1' })).toThrow(
      expect.objectContaining({ code: 'SHARE_DUPLICATE', field: 'custodianId' }),
    );
    const second = exportShare(first.next as typeof state, mks, { ...input, custodianId: 'kc2' });
    expect(second.next).toBeNull();
    expect(second.envelope.index).toBe(2);
  });

  it('binds every envelope to the ceremony, version, index, n, k, flag, KCV, destination and source', async () => {
    const [envelope] = await exportAll(mks, 3, 2, ['kc1'], () => destination, false);
    expect(envelope).toMatchObject({
      format: 'indicium/mks-share/v1',
      mksVersion: 1,
      index: 1,
      n: 3,
      k: 2,
      exportable: false,
      kcv: mks.kcv,
      destinationFingerprint: cloneTpk.fingerprint,
      sourceModuleKey: Buffer.from(master.publicKeySpki).toString('base64'),
    });
    expect(JSON.stringify(envelope)).not.toContain(mks.mek);
  });
});

describe('Import MKS Share / Combine MKS Shares', () => {
  it('rebuilds the MKS from any k of n shares, keeping the exportable flag', async () => {
    const envelopes = await exportAll(mks, 3, 2, ['a', 'b', 'c']);
    for (const pair of [
      [0, 1],
      [0, 2],
      [1, 2],
      [0, 1, 2],
    ]) {
      const combined = await combineShares(importAll(pair.map((i) => envelopes[i] as ShareEnvelope)), 9);
      expect(combined).toMatchObject({
        version: 1,
        mek: mks.mek,
        mak: mks.mak,
        kcv: mks.kcv,
        exportable: true,
      });
    }
  });

  it('marks a retained import as not exportable', async () => {
    const envelopes = await exportAll(mks, 2, 2, ['a', 'b'], () => destination, false);
    expect((await combineShares(importAll(envelopes), 9)).exportable).toBe(false);
  });

  it('refuses to combine too few shares, and changes nothing', async () => {
    const envelopes = await exportAll(mks, 3, 3, ['a', 'b']);
    const state = importAll(envelopes);
    await expect(combineShares(state, 9)).rejects.toMatchObject({ code: 'SHARES_INSUFFICIENT' });
    await expect(combineShares(emptyImportCeremony(0), 9)).rejects.toMatchObject({
      code: 'SHARES_INSUFFICIENT',
    });
    expect(state.shares).toHaveLength(2);
  });

  it('refuses the same share twice, and a second share from the same custodian', async () => {
    const [one, two] = await exportAll(mks, 3, 2, ['a', 'b']);
    const state = importAll([one as ShareEnvelope]);
    expect(() =>
      acceptShare(state, openShareEnvelope(one, openContext), 'other', 8, emptyMksSection()),
    ).toThrow(expect.objectContaining({ code: 'SHARE_DUPLICATE', field: 'index' }));
    expect(() =>
      acceptShare(state, openShareEnvelope(two, openContext), 'kc0', 8, emptyMksSection()),
    ).toThrow(expect.objectContaining({ code: 'SHARE_DUPLICATE', field: 'custodianId' }));
  });

  it('refuses a share with a repeated Shamir x-coordinate under another index', async () => {
    const [one] = await exportAll(mks, 3, 2, ['a']);
    const opened = openShareEnvelope(one, openContext);
    const state = importAll([one as ShareEnvelope]);
    const forged: OpenedShare = { ...opened, index: 2 };
    expect(() => acceptShare(state, forged, 'b', 8, emptyMksSection())).toThrow(
      expect.objectContaining({ code: 'SHARE_DUPLICATE' }),
    );
  });

  it('refuses a share from another ceremony or of another version before combining', async () => {
    const [first] = await exportAll(mks, 3, 2, ['a']);
    const [fromOther] = await exportAll(mks, 3, 2, ['b']);
    const state = importAll([first as ShareEnvelope]);
    expect(() =>
      acceptShare(state, openShareEnvelope(fromOther, openContext), 'b', 8, emptyMksSection()),
    ).toThrow(expect.objectContaining({ code: 'SHARE_INVALID', field: 'ceremonyId' }));
    const opened = openShareEnvelope(fromOther, openContext);
    for (const [field, change] of [
      ['mksVersion', { mksVersion: 2 }],
      ['n', { n: 4 }],
      ['k', { k: 3 }],
      ['exportable', { exportable: false }],
      ['kcv', { kcv: Buffer.alloc(16) }],
      ['sourceModuleKey', { sourceModuleKey: cloneModule.publicKeySpki }],
    ] as const) {
      const forged = { ...opened, ceremonyId: first?.ceremonyId as string, index: 3, ...change };
      expect(() => acceptShare(state, forged, 'b', 8, emptyMksSection())).toThrow(
        expect.objectContaining({ code: 'SHARE_INVALID', field }),
      );
    }
  });

  it('refuses an MKS version the module already holds', async () => {
    const [first] = await exportAll(mks, 2, 2, ['a']);
    const holding = { ...emptyMksSection(), active: generateMks(1, 0) };
    expect(() =>
      acceptShare(emptyImportCeremony(0), openShareEnvelope(first, openContext), 'a', 1, holding),
    ).toThrow(expect.objectContaining({ code: 'SHARE_INVALID', field: 'mksVersion' }));
  });

  it('refuses a version the module held before, even once deleted (no resurrection)', async () => {
    const [first] = await exportAll(mks, 2, 2, ['a']);
    const afterRollover = { ...emptyMksSection(), active: generateMks(2, 0), highestVersion: 2 };
    expect(() =>
      acceptShare(emptyImportCeremony(0), openShareEnvelope(first, openContext), 'a', 1, afterRollover),
    ).toThrow(expect.objectContaining({ code: 'SHARE_INVALID', field: 'mksVersion' }));
  });

  it('gives a module holding a retained MKS only a retained replacement', async () => {
    const [exportableV2] = await exportAll(generateMks(2, 0), 2, 2, ['a']);
    const retainedHolder = { ...emptyMksSection(), active: { ...mks, exportable: false }, highestVersion: 1 };
    expect(() =>
      acceptShare(
        emptyImportCeremony(0),
        openShareEnvelope(exportableV2, openContext),
        'a',
        1,
        retainedHolder,
      ),
    ).toThrow(expect.objectContaining({ code: 'SHARE_INVALID', field: 'exportable' }));
    const [retainedV2] = await exportAll(generateMks(2, 0), 2, 2, ['a'], () => destination, false);
    const opened = openShareEnvelope(retainedV2, openContext);
    expect(acceptShare(emptyImportCeremony(0), opened, 'a', 1, retainedHolder).shares).toHaveLength(1);
  });

  it('checks the combined keys against the key-check value', async () => {
    // A source that signs shares under a KCV that does not match the keys: every share passes
    // authentication, and only the key check can catch it.
    const state = await createShareCeremony(mks, 2, 2, 5);
    const wrongKcv = Buffer.from(generateMks(1, 0).kcv, 'base64');
    const envelopes = state.pending.map((p) =>
      sealShareEnvelope({
        facts: {
          ceremonyId: state.ceremonyId,
          mksVersion: 1,
          index: p.index,
          n: 2,
          k: 2,
          exportable: true,
          kcv: wrongKcv,
          destinationFingerprint: cloneTpk.fingerprint,
        },
        share: Buffer.from(p.share, 'base64'),
        transportPublicKey: destination.publicKey,
        moduleKey: master,
      }),
    );
    await expect(combineShares(importAll(envelopes), 9)).rejects.toMatchObject({ code: 'KEY_CHECK_FAILED' });
  });
});

describe('openShareEnvelope: every check before combining', () => {
  let envelope: ShareEnvelope;
  beforeAll(async () => {
    [envelope] = (await exportAll(mks, 3, 2, ['a'])) as [ShareEnvelope];
  });

  it('refuses a share made for another module', async () => {
    const [elsewhere] = await exportAll(mks, 3, 2, ['a'], () => otherDestination);
    expect(() => openShareEnvelope(elsewhere, openContext)).toThrow(
      expect.objectContaining({ code: 'SHARE_WRONG_DESTINATION', field: 'destinationFingerprint' }),
    );
  });

  it('refuses a share from a source the custodian did not confirm', () => {
    const context = { ...openContext, expectedSourceFingerprint: keyFingerprint(cloneModule.publicKeySpki) };
    expect(() => openShareEnvelope(envelope, context)).toThrow(
      expect.objectContaining({ code: 'SHARE_INVALID', field: 'sourceFingerprint' }),
    );
  });

  it('refuses a share re-signed by another module claiming to be the source', () => {
    const impostor = standaloneModuleKey();
    const forged = { ...envelope, sourceModuleKey: Buffer.from(impostor.publicKeySpki).toString('base64') };
    const context = { ...openContext, expectedSourceFingerprint: keyFingerprint(impostor.publicKeySpki) };
    expect(() => openShareEnvelope(forged, context)).toThrow(
      expect.objectContaining({ code: 'SHARE_INVALID', field: 'signature' }),
    );
  });

  it.each(['wrappedKey', 'nonce', 'ciphertext', 'tag', 'signature', 'kcv'] as const)(
    'refuses every flipped byte of %s',
    (field) => {
      const length = Buffer.from(envelope[field], 'base64').length;
      const positions = field === 'wrappedKey' ? [0, 1, 100, 200, 383] : Array.from({ length }, (_, i) => i);
      for (const at of positions) {
        const tampered = { ...envelope, [field]: flipB64(envelope[field], at) };
        expect(() => openShareEnvelope(tampered, openContext)).toThrow(
          expect.objectContaining({ code: 'SHARE_INVALID' }),
        );
      }
    },
  );

  it.each([
    ['ceremonyId', 'ff'.repeat(16)],
    ['mksVersion', 2],
    ['index', 2],
    ['n', 4],
    ['k', 3],
    ['exportable', false],
  ] as const)('refuses a changed %s', (field, value) => {
    expect(() => openShareEnvelope({ ...envelope, [field]: value }, openContext)).toThrow(
      expect.objectContaining({ code: 'SHARE_INVALID', field: 'signature' }),
    );
  });

  it.each([
    ['format', 'indicium/mks-share/v2', 'format'],
    ['index', 0, 'index'],
    ['index', 4, 'index'],
    ['k', 1, 'k'],
    ['ceremonyId', 'XYZ', 'ceremonyId'],
    ['ciphertext', 'AAAA', 'ciphertext'],
    ['nonce', 'not base64!', 'nonce'],
  ] as const)('refuses a malformed %s', (key, value, field) => {
    expect(() => openShareEnvelope({ ...envelope, [key]: value }, openContext)).toThrow(
      expect.objectContaining({ code: 'SHARE_INVALID', field }),
    );
  });

  it('refuses something that is not an envelope', () => {
    for (const bad of [null, 'share', 42, []]) {
      expect(() => openShareEnvelope(bad, openContext)).toThrow(
        expect.objectContaining({ code: 'SHARE_INVALID' }),
      );
    }
  });
});
