import { IndiciumError } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint } from '../src/mks/key-fingerprint.js';
import { standaloneModuleKey } from '../src/mks/module-signature.js';
import { sealShareEnvelope } from '../src/mks/seal-share-envelope.js';
import type { ShareEnvelope } from '../src/mks/share-envelope.js';
import { type SignedTransportKey, verifyTransportKey } from '../src/mks/transport-key.js';
import { type OfficerId, PoolModule } from './pool-harness.js';

/**
 * Every refusal of the ceremony through the real dispatch path (DESIGN §3.3, §3.4): too few shares,
 * duplicates, tampered and misdirected shares (all caught before combining), wrong roles, wrong
 * states, a failed key check, and an attempt to bring back an old MKS version.
 */

interface TpkExport {
  transportKey: SignedTransportKey;
  fingerprint: string;
}

let A: PoolModule;
let B: PoolModule;
let C: PoolModule;
let tpkB: TpkExport;
let tpkC: TpkExport;
/** Shares of one A→B ceremony (n 3, k 2) and of one A→C ceremony. */
let forB: ShareEnvelope[];
let forC: ShareEnvelope[];

async function exportShares(tpk: TpkExport, custodians: readonly OfficerId[], exportable = true) {
  const shares: ShareEnvelope[] = [];
  for (const kc of custodians) {
    const body = { transportKey: tpk.transportKey, destinationFingerprint: tpk.fingerprint, exportable };
    shares.push((await A.as<{ share: ShareEnvelope }>(kc, 'export-mks-share', body)).share);
  }
  return shares;
}

const flip = (b64: string, at: number) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes.toString('base64');
};

const importBody = (share: unknown, source = A) => ({ share, sourceFingerprint: source.fingerprint });

beforeAll(async () => {
  [A, B, C] = (await Promise.all(['A-0101', 'B-0102', 'C-0103'].map((s) => PoolModule.initialized(s)))) as [
    PoolModule,
    PoolModule,
    PoolModule,
  ];
  await A.as('so', 'generate-mks');
  await Promise.all([B.as('so', 'generate-transport-key-pair'), C.as('so', 'generate-transport-key-pair')]);
  tpkB = await B.as<TpkExport>('kc1', 'export-transport-public-key');
  tpkC = await C.as<TpkExport>('kc1', 'export-transport-public-key');
  await A.as('so', 'create-mks-shares', { n: 3, k: 2 });
  forB = await exportShares(tpkB, ['kc1', 'kc2', 'kc3']);
  await A.as('so', 'create-mks-shares', { n: 3, k: 2 });
  forC = await exportShares(tpkC, ['kc1', 'kc2']);
  await A.as('so', 'abort-export');
});

describe('export side refusals', () => {
  it('refuses a transport key the custodian did not confirm, or whose signature fails', async () => {
    await A.as('so', 'create-mks-shares', { n: 2, k: 2 });
    const wrongFingerprint = await A.refused('kc1', 'export-mks-share', {
      transportKey: tpkB.transportKey,
      destinationFingerprint: tpkC.fingerprint,
      exportable: true,
    });
    expect(wrongFingerprint).toMatchObject({
      code: 'SHARE_WRONG_DESTINATION',
      field: 'destinationFingerprint',
    });
    const forged = await A.refused('kc1', 'export-mks-share', {
      transportKey: { ...tpkB.transportKey, signature: flip(tpkB.transportKey.signature, 3) },
      destinationFingerprint: tpkB.fingerprint,
      exportable: true,
    });
    expect(forged).toMatchObject({ code: 'SIGNATURE_INVALID', field: 'signature' });
    const swapped = await A.refused('kc1', 'export-mks-share', {
      transportKey: { ...tpkB.transportKey, transportPublicKey: tpkC.transportKey.transportPublicKey },
      destinationFingerprint: tpkC.fingerprint,
      exportable: true,
    });
    expect(swapped.code).toBe('SIGNATURE_INVALID');
    // None of the refusals used up a share: both custodians can still export, and the last → O.
    await exportShares(tpkB, ['kc1', 'kc2']);
    expect(await A.state()).toBe('O');
  });

  it('refuses the wrong roles', async () => {
    expect((await A.refused('kc1', 'create-mks-shares', { n: 2, k: 2 })).code).toBe('ROLE_DENIED');
    await A.as('so', 'create-mks-shares', { n: 2, k: 2 });
    const body = {
      transportKey: tpkB.transportKey,
      destinationFingerprint: tpkB.fingerprint,
      exportable: true,
    };
    expect((await A.refused('so', 'export-mks-share', body)).code).toBe('ROLE_DENIED');
    expect((await A.refused('admin', 'export-mks-share', body)).code).toBe('ROLE_DENIED');
    expect((await A.refused('kc1', 'abort-export')).code).toBe('ROLE_DENIED');
    await A.as('so', 'abort-export');
    expect((await A.refused('kc2', 'generate-mks')).code).toBe('ROLE_DENIED');
    expect((await A.refused('admin', 'activate-mks', { version: 1 })).code).toBe('ROLE_DENIED');
    expect((await A.refused('kc1', 'initialize-crypto-card', {})).code).toBe('ROLE_DENIED');
  });

  it('refuses the wrong states', async () => {
    const body = {
      transportKey: tpkB.transportKey,
      destinationFingerprint: tpkB.fingerprint,
      exportable: true,
    };
    expect((await A.refused('kc1', 'export-mks-share', body)).code).toBe('WRONG_STATE');
    expect((await A.refused('so', 'abort-export')).code).toBe('WRONG_STATE');
    expect((await A.refused('kc1', 'import-mks-share', importBody(forB[0]))).code).toBe('WRONG_STATE');
    expect((await A.refused('so', 'combine-mks-shares')).code).toBe('WRONG_STATE');
    expect((await A.refused('so', 'start-importing-mks')).code).toBe('WRONG_STATE'); // not a clone
    expect((await B.refused('so', 'generate-mks')).code).toBe('WRONG_STATE');
    expect((await B.refused('so', 'create-mks-shares', { n: 2, k: 2 })).code).toBe('WRONG_STATE');
    expect((await B.refused('so', 'activate-mks', { version: 1 })).code).toBe('WRONG_STATE');
    expect((await B.refused('so', 'translate-token', {})).code).toBe('WRONG_STATE');
  });

  it('refuses a malformed request and needs a logon', async () => {
    expect(await A.refused('so', 'create-mks-shares', { n: 3, k: 4 })).toMatchObject({
      code: 'MALFORMED_REQUEST',
      field: 'body.k',
    });
    expect(await A.refused('so', 'create-mks-shares', { n: 1, k: 1 })).toMatchObject({
      code: 'MALFORMED_REQUEST',
    });
    await expect(A.client.call('generate-mks')).rejects.toMatchObject({ code: 'NOT_LOGGED_ON' });
    const outside = await A.module.dispatch({ command: 'generate-mks', body: {} });
    expect(outside).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
  });
});

describe('import side refusals, all before combining', () => {
  it('refuses a share made for another module', async () => {
    expect(await B.refused('kc1', 'import-mks-share', importBody(forC[0]))).toMatchObject({
      code: 'SHARE_WRONG_DESTINATION',
      field: 'destinationFingerprint',
    });
  });

  it('refuses tampered shares, whatever byte was changed', async () => {
    const share = forB[0] as ShareEnvelope;
    await B.session('kc1', async (client) => {
      for (const field of ['ciphertext', 'tag', 'nonce', 'wrappedKey', 'signature', 'kcv'] as const) {
        const length = Buffer.from(share[field], 'base64').length;
        for (const at of [0, Math.floor(length / 2), length - 1]) {
          const tampered = { ...share, [field]: flip(share[field], at) };
          await expect(client.call('import-mks-share', importBody(tampered))).rejects.toMatchObject({
            code: 'SHARE_INVALID',
          });
        }
      }
      for (const [field, value] of [
        ['mksVersion', 2],
        ['index', 2],
        ['exportable', false],
        ['k', 3],
        ['ceremonyId', forC[0]?.ceremonyId],
      ] as const) {
        await expect(
          client.call('import-mks-share', importBody({ ...share, [field]: value })),
        ).rejects.toMatchObject({
          code: 'SHARE_INVALID',
          field: 'signature',
        });
      }
      await expect(
        client.call('import-mks-share', importBody({ ...share, destinationFingerprint: tpkC.fingerprint })),
      ).rejects.toMatchObject({ code: 'SHARE_WRONG_DESTINATION' });
      await expect(client.call('import-mks-share', importBody({ ...share, extra: 1 }))).rejects.toMatchObject(
        {
          code: 'SHARE_INVALID',
          field: 'extra',
        },
      );
    });
    const image = await B.nvm.load();
    expect(image?.sections.mks.importCeremony?.shares).toEqual([]);
  });

  it('refuses a share from a source the custodian did not confirm', async () => {
    expect(await B.refused('kc1', 'import-mks-share', importBody(forB[0], C))).toMatchObject({
      code: 'SHARE_INVALID',
      field: 'sourceFingerprint',
    });
  });

  it('refuses too few shares, a duplicate share, and a second share by one custodian', async () => {
    await B.as('kc1', 'import-mks-share', importBody(forB[0]));
    expect(await B.refused('so', 'combine-mks-shares')).toMatchObject({ code: 'SHARES_INSUFFICIENT' });
    expect(await B.state()).toBe('M');
    expect(await B.refused('kc2', 'import-mks-share', importBody(forB[0]))).toMatchObject({
      code: 'SHARE_DUPLICATE',
      field: 'index',
    });
    expect(await B.refused('kc1', 'import-mks-share', importBody(forB[1]))).toMatchObject({
      code: 'SHARE_DUPLICATE',
      field: 'custodianId',
    });
  });

  it('refuses a share of another ceremony, and the wrong roles', async () => {
    await A.as('so', 'create-mks-shares', { n: 2, k: 2 });
    const [other] = await exportShares(tpkB, ['kc1']);
    await A.as('so', 'abort-export');
    expect(await B.refused('kc2', 'import-mks-share', importBody(other))).toMatchObject({
      code: 'SHARE_INVALID',
      field: 'ceremonyId',
    });
    expect((await B.refused('so', 'import-mks-share', importBody(forB[1]))).code).toBe('ROLE_DENIED');
    expect((await B.refused('kc2', 'combine-mks-shares')).code).toBe('ROLE_DENIED');
  });

  it('combines once the threshold is met, and the shares are gone', async () => {
    await B.as('kc2', 'import-mks-share', importBody(forB[1]));
    expect(await B.as('so', 'combine-mks-shares')).toMatchObject({ mksVersion: 1, status: 'active' });
    expect(await B.state()).toBe('O');
    expect((await B.nvm.load())?.sections.mks.importCeremony).toBeNull();
    expect((await B.refused('kc3', 'import-mks-share', importBody(forB[2]))).code).toBe('WRONG_STATE');
  });

  it('never brings back an MKS version the module already held', async () => {
    await B.as('so', 'start-importing-mks');
    expect(await B.refused('kc3', 'import-mks-share', importBody(forB[2]))).toMatchObject({
      code: 'SHARE_INVALID',
      field: 'mksVersion',
    });
    // Nothing to combine; the boot rule takes a module with an active MKS out of Importing Shares.
    expect((await B.refused('so', 'combine-mks-shares')).code).toBe('SHARES_INSUFFICIENT');
    await B.reboot();
    expect(await B.state()).toBe('O');
  });
});

describe('a failed key check', () => {
  /** Shares from a rogue source whose signatures are real but whose KCV does not match the keys. */
  async function rogueShares(
    tpk: TpkExport,
    version: number,
  ): Promise<{ shares: ShareEnvelope[]; source: string }> {
    const rogue = standaloneModuleKey();
    const destination = verifyTransportKey(tpk.transportKey, tpk.fingerprint);
    const ceremonyId = 'ab'.repeat(16);
    const shares = [1, 2].map((index) =>
      sealShareEnvelope({
        facts: {
          ceremonyId,
          mksVersion: version,
          index,
          n: 2,
          k: 2,
          exportable: true,
          kcv: Buffer.alloc(16, 7),
          destinationFingerprint: tpk.fingerprint,
        },
        share: Buffer.concat([Buffer.alloc(64, index), Buffer.of(index * 17)]),
        transportPublicKey: destination.publicKey,
        moduleKey: rogue,
      }),
    );
    return { shares, source: keyFingerprint(rogue.publicKeySpki) };
  }

  it('destroys the shares and sends a clone with no MKS to Error (DESIGN §3.1: Combine → O with an MKS, else E)', async () => {
    const { shares, source } = await rogueShares(tpkC, 1);
    await C.as('kc1', 'import-mks-share', { share: shares[0], sourceFingerprint: source });
    await C.as('kc2', 'import-mks-share', { share: shares[1], sourceFingerprint: source });
    expect((await C.refused('so', 'combine-mks-shares')).code).toBe('KEY_CHECK_FAILED');
    expect(await C.status()).toMatchObject({
      currentState: 'E',
      persistentState: 'E',
      activeMksVersion: null,
    });
    expect((await C.nvm.load())?.sections.mks.importCeremony).toBeNull();
    // Only Reset clears it; the destroyed shares are gone and nothing cryptographic runs meanwhile.
    await C.reboot();
    expect(await C.status()).toMatchObject({ currentState: 'E', persistentState: 'E' });
  });

  it('leaves a clone that still has its active MKS untouched, back in Operational after a reboot', async () => {
    const tpk = await B.as<TpkExport>('kc1', 'export-transport-public-key');
    await B.as('so', 'start-importing-mks');
    const { shares, source } = await rogueShares(tpk, 5);
    await B.as('kc1', 'import-mks-share', { share: shares[0], sourceFingerprint: source });
    await B.as('kc2', 'import-mks-share', { share: shares[1], sourceFingerprint: source });
    expect((await B.refused('so', 'combine-mks-shares')).code).toBe('KEY_CHECK_FAILED');
    expect(await B.state()).toBe('O');
    const mks = (await B.nvm.load())?.sections.mks;
    expect(mks).toMatchObject({ dormant: [], importCeremony: null, active: { version: 1 } });
    await B.reboot();
    expect(await B.status()).toMatchObject({ currentState: 'O', activeMksVersion: 1 });
  });

  it('a clone without an MKS that reboots in Importing Shares falls to a fatal Error', async () => {
    const D = await PoolModule.initialized('D-0104');
    await D.as('so', 'generate-transport-key-pair');
    await D.reboot();
    expect(await D.status()).toMatchObject({ currentState: 'E', persistentState: 'E', fatal: true });
  });
});

describe('key tokens through the module', () => {
  it('refuses every flipped byte of a crypto-card token', async () => {
    const card = await A.as<{ tokens: Record<string, string> }>('so', 'initialize-crypto-card', {
      postalCaCertificatePem: (await import('node:fs')).readFileSync(
        new URL('../src/mks/test-data/postal-ca.pem', import.meta.url),
        'utf8',
      ),
      providerPublicKey: (await import('node:crypto'))
        .generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'der' })
        .toString('base64'),
      limits: {
        minPostage: 1,
        maxPostage: 1000,
        maxDescendingRegister: 500_000,
        maxAscendingRegister: 10 ** 9,
      },
    });
    const token = card.tokens.registrationSigningKey as string;
    const binding = {
      type: 'crypto-card/registration-signing-key',
      ownerId: 'crypto-card',
      recordVersion: 1,
    };
    const length = Buffer.from(token, 'base64').length;
    let refusals = 0;
    await A.session('so', async (client) => {
      expect(await client.call('translate-token', { token, ...binding })).toMatchObject({
        translated: false,
      });
      for (let at = 0; at < length; at++) {
        try {
          await client.call('translate-token', { token: flip(token, at), ...binding });
        } catch (error) {
          expect(error).toBeInstanceOf(IndiciumError);
          expect(error).toMatchObject({ code: 'TOKEN_INVALID', field: 'token' });
          refusals++;
        }
      }
      for (const other of [
        { recordVersion: 2 },
        { ownerId: 'someone-else' },
        { type: 'crypto-card/parameters' },
      ]) {
        await expect(client.call('translate-token', { token, ...binding, ...other })).rejects.toMatchObject({
          code: 'TOKEN_INVALID',
        });
      }
    });
    expect(refusals).toBe(length);
  });
});
