import { CryptoModule, MemoryNvmStore } from '@indicium/crypto-module';
import { StartInitializationAnswerSchema } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { OfficerSession } from './officer-session.js';

// A real module in this process: one session at a time (DESIGN §3.2).
const SERIAL = 'M0001';
let module: CryptoModule;
let modulePublicKey: string;

const session = (busyWaitMs?: number) =>
  new OfficerSession(module, {
    moduleSerial: SERIAL,
    modulePublicKey,
    officers: [],
    ...(busyWaitMs === undefined ? {} : { busyWaitMs }),
  });

beforeAll(async () => {
  module = await CryptoModule.boot({ nvm: new MemoryNvmStore(), clock: Date.now, moduleSerial: SERIAL });
  const started = await module.dispatch({ command: 'start-initialization', body: { time: Date.now() } });
  if (!started.ok) throw new Error(started.error.code);
  modulePublicKey = StartInitializationAnswerSchema.parse(started.result).modulePublicKey;
});

describe('OfficerSession.open while another session is open on the module', () => {
  it('waits until that session closes, then opens', async () => {
    const first = session();
    await first.open();
    const second = session(10_000);
    let opened = false;
    const opening = second.open().then(() => {
      opened = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(opened).toBe(false);
    await first.close();
    await opening;
    expect(opened).toBe(true);
    expect(second.client.sessionId).not.toBeNull();
    await second.close();
  });

  it('gives up with SESSION_BUSY after its wait, and at once with a wait of 0', async () => {
    const first = session();
    await first.open();
    try {
      const started = Date.now();
      await expectIndiciumRejection(() => session(400).open(), { code: 'SESSION_BUSY' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      await expectIndiciumRejection(() => session(0).open(), { code: 'SESSION_BUSY' });
    } finally {
      await first.close();
    }
  });
});
