import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import type { NvmImage } from '../nvm/nvm-image.js';
import { bootHarness, logon, OFFICERS, operationalHarness } from '../testing/module-harness.js';

describe('the checkpoints NVM section', () => {
  it('reads as empty in an NVM written before it existed, so PSD work can start', async () => {
    const nvm = new MemoryNvmStore();
    const h = await operationalHarness({ nvm });
    await logon(h.client, OFFICERS.so);
    await h.client.call('initialize-crypto-card', {
      postalCaCertificatePem: readFileSync(
        new URL('../mks/test-data/postal-ca.pem', import.meta.url),
        'utf8',
      ),
      providerPublicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'der' })
        .toString('base64'),
      limits: {
        minPostage: 10,
        maxPostage: 1_000,
        maxDescendingRegister: 10_000,
        maxAscendingRegister: 10 ** 6,
      },
    });
    const image = (await nvm.load()) as NvmImage;
    const { checkpoints: _dropped, ...older } = image.sections;
    const old = new MemoryNvmStore();
    await old.save({ ...image, sections: older as NvmImage['sections'] });
    const rebooted = await bootHarness({ nvm: old });
    const made = await rebooted.dispatch({
      command: 'initialize-psd',
      body: { meterId: '00042-00001-0000000042', checkpoint: null },
    });
    expect(made).toMatchObject({ ok: true, result: { state: 'raw', packageVersion: 1 } });
  });
});
