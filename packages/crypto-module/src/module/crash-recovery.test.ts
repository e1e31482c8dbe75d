import { MODULE_STATES, type ModuleState } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { faultWhenArmed, SimulatedCrash } from '../dangerous/fault-injection.js';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import { bootState } from '../state/boot-state.js';
import {
  bootHarness,
  expectOk,
  goto,
  type Harness,
  initializedHarness,
  logon,
  OFFICERS,
  operationalHarness,
  status,
} from '../testing/module-harness.js';

function crashWhenArmed() {
  return faultWhenArmed('between-current-and-persistent');
}

async function reboot(nvm: MemoryNvmStore): Promise<Harness> {
  return bootHarness({ nvm });
}

describe('a crash between current and persistent state, then a reboot (DESIGN §3.1)', () => {
  const states = MODULE_STATES.filter((s) => s !== 'U');
  for (const from of states) {
    for (const withMks of [false, true]) {
      const to: ModuleState = from === 'O' ? 'A' : 'O';
      it(`in ${from} (${withMks ? 'active' : 'no'} MKS), crashing on the way to ${to}, boots as DESIGN says`, async () => {
        const nvm = new MemoryNvmStore();
        const faults = crashWhenArmed();
        const h = withMks
          ? await operationalHarness({ nvm, faults })
          : await initializedHarness({ nvm, faults });
        await goto(h, from);
        faults.arm('test-goto-state');
        await expect(h.dispatch({ command: 'test-goto-state', body: { state: to } })).rejects.toBeInstanceOf(
          SimulatedCrash,
        );
        // The crashed instance is dead, like a module after power loss.
        await expect(h.dispatch({ command: 'get-status' })).rejects.toBeInstanceOf(SimulatedCrash);
        const after = await status(await reboot(nvm));
        const rule = bootState(from, withMks);
        expect([after.currentState, after.persistentState]).toEqual([rule.current, rule.persistent]);
        expect(after.fatal).toBe(rule.persistent === 'E');
      });
    }
  }

  it('in U: a crash inside Start Initialization leaves an Uninitialized module', async () => {
    const nvm = new MemoryNvmStore();
    const faults = crashWhenArmed();
    const h = await bootHarness({ nvm, faults });
    faults.arm('start-initialization');
    await expect(
      h.dispatch({ command: 'start-initialization', body: { time: 1_000 } }),
    ).rejects.toBeInstanceOf(SimulatedCrash);
    const after = await reboot(nvm);
    expect(await status(after)).toMatchObject({ currentState: 'U', persistentState: 'U' });
    expectOk(await after.dispatch({ command: 'start-initialization', body: { time: 1_000 } }));
  });

  it('real commands: Begin Admin (O → A) and End Admin (A → O) crashed, the module boots Operational', async () => {
    for (const step of ['begin-admin', 'end-admin'] as const) {
      const nvm = new MemoryNvmStore();
      const faults = crashWhenArmed();
      const h = await operationalHarness({ nvm, faults });
      await logon(h.client, OFFICERS.so);
      if (step === 'end-admin') {
        await h.client.call('begin-admin');
        await h.client.call('logoff');
        await logon(h.client, OFFICERS.admin);
      }
      faults.arm(step);
      await expect(h.client.call(step)).rejects.toBeInstanceOf(SimulatedCrash);
      expect(await status(await reboot(nvm))).toMatchObject({ currentState: 'O', persistentState: 'O' });
    }
  });

  it('Generate MKS crashed in Initializing: the set-up is fatal Error, and only Reset clears it', async () => {
    const nvm = new MemoryNvmStore();
    const faults = crashWhenArmed();
    const h = await initializedHarness({ nvm, faults });
    await logon(h.client, OFFICERS.so);
    faults.arm('generate-mks');
    await expect(h.client.call('generate-mks', {})).rejects.toBeInstanceOf(SimulatedCrash);
    const once = await reboot(nvm);
    expect(await status(once)).toMatchObject({ currentState: 'E', persistentState: 'E', fatal: true });
    const twice = await reboot(nvm);
    expect(await status(twice)).toMatchObject({ currentState: 'E', persistentState: 'E' });
    expectOk(await twice.dispatch({ command: 'reset' }));
    expect(await status(await reboot(nvm))).toMatchObject({ currentState: 'U', persistentState: 'U' });
  });

  it('a non-fatal Error (boot in Exporting Shares) is cleared by the next reboot', async () => {
    const nvm = new MemoryNvmStore();
    const h = await operationalHarness({ nvm });
    await goto(h, 'X');
    const first = await reboot(nvm);
    expect(await status(first)).toMatchObject({ currentState: 'E', persistentState: 'O', fatal: false });
    expect(await status(await reboot(nvm))).toMatchObject({ currentState: 'O', persistentState: 'O' });
  });
});
