import { describe, expect, it } from 'vitest';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import { bootHarness, expectOk, operationalHarness, status } from '../testing/module-harness.js';
import { SELF_TEST_VECTORS, type SelfTestVectors } from './self-test-vectors.js';

const BAD: SelfTestVectors = {
  ...SELF_TEST_VECTORS,
  hmacSha256: { ...SELF_TEST_VECTORS.hmacSha256, mac: `00${SELF_TEST_VECTORS.hmacSha256.mac.slice(2)}` },
};

describe('a failed power-on self-test (DESIGN §3.1)', () => {
  it('boots an empty module into Error and refuses all cryptographic work', async () => {
    const nvm = new MemoryNvmStore();
    const h = await bootHarness({ nvm, selfTestVectors: BAD });
    expect(await status(h)).toMatchObject({
      currentState: 'E',
      errorCode: 'MODULE_SELF_TEST_FAILED',
      signature: null,
    });
    expect(await h.dispatch({ command: 'start-initialization', body: { time: 1 } })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'MODULE_SELF_TEST_FAILED' }),
    });
    expect(nvm.writes).toBe(0);
  });

  it('over an initialised NVM: no signed status, no session, no audit entry, NVM untouched; Reset keeps Error', async () => {
    const nvm = new MemoryNvmStore();
    await operationalHarness({ nvm });
    const text = nvm.text;
    const h = await bootHarness({ nvm, selfTestVectors: BAD });
    expect(nvm.text).toBe(text);
    const s = await status(h);
    expect(s).toMatchObject({ currentState: 'E', errorCode: 'MODULE_SELF_TEST_FAILED', signature: null });
    const refusals = [
      await h.dispatch({
        command: 'open-session',
        body: { hostPublicKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
      }),
      await h.dispatch({ command: 'create-audit-entry', body: {} }),
    ];
    expect(refusals.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual([
      'MODULE_SELF_TEST_FAILED',
      'MODULE_SELF_TEST_FAILED',
    ]);
    expect(h.audit).toEqual([]);
    expect(nvm.text).toBe(text);
    // Reset zeroizes (it needs no cryptography) but the failed algorithm still forbids work.
    const reset = await h.dispatch({ command: 'reset' });
    expect(reset).toEqual({ ok: true, result: {} });
    expect(nvm.text).toBeNull();
    expect(await status(h)).toMatchObject({ currentState: 'E', errorCode: 'MODULE_SELF_TEST_FAILED' });
  });

  it('a good platform after the bad one boots normally', async () => {
    const nvm = new MemoryNvmStore();
    await operationalHarness({ nvm });
    await bootHarness({ nvm, selfTestVectors: BAD });
    const h = await bootHarness({ nvm });
    expect(await status(h)).toMatchObject({ currentState: 'O', errorCode: null });
    expectOk(await h.dispatch({ command: 'create-audit-entry', body: {} }));
  });
});
