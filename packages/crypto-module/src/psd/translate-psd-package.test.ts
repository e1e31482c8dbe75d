import { beforeAll, describe, expect, it } from 'vitest';
import {
  leasedMeter,
  ModuleTable,
  type PsdCard,
  type PsdHost,
  singleModule,
} from '../../test/psd-harness.js';

/** DESIGN §3.4 rollover for packages: v1 → v2 with every key and secret, then v1 deleted. */
let host: PsdHost;
let card: PsdCard;
let so: (command: string, body?: unknown) => Promise<unknown>;
const table = new ModuleTable();

beforeAll(async () => {
  ({ host, card, so } = await singleModule());
});

describe('Translate PSD Package (DESIGN §3.3, §3.4)', () => {
  it('moves a meter to the new MKS; the old copy dies with the old MKS', async () => {
    const { meter, client, hmk } = await leasedMeter(host, table, card, 5_000);
    await meter.print(host, client, 100);
    await so('generate-mks');
    await so('activate-mks', { version: 2 });
    const old = meter.package;
    const translated = (await so('translate-psd-package', {
      package: meter.package,
      checkpoint: table.get(host.serial),
    })) as { package: string; checkpoint: string; ascendingRegisterMills: number; state: string };
    expect(translated).toMatchObject({ ascendingRegisterMills: 100, state: 'leased' });
    meter.package = translated.package;
    table.set(host.serial, translated.checkpoint);
    await expect(
      so('translate-psd-package', { package: meter.package, checkpoint: table.get(host.serial) }),
    ).rejects.toMatchObject({ code: 'INVALID_FIELD', field: 'package' });

    await so('delete-mks', { version: 1 });
    // The user's HMK (a secret of the package) survived the move; the meter key did too.
    const again = await meter.client(host, 'alice', hmk);
    await meter.print(host, again, 100);
    meter.package = old;
    expect(await meter.refused(host, 'get-challenge', { request: again.getChallengeRequest() })).toEqual({
      code: 'PACKAGE_INTEGRITY',
      field: 'package',
    });
  });

  it('is a Security Officer command', async () => {
    const outcome = await host.dispatch({ command: 'translate-psd-package', body: {} });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
  });
});
