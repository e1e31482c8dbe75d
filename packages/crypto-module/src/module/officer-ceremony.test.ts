import type { AuditEntry } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/verify-audit-chain.js';
import { OfficerClient } from '../host/officer-client.js';
import { verifyStatus } from '../host/verify-status.js';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import { ManualClock, MODULE_SERIAL, OFFICERS, password, START_TIME } from '../testing/module-harness.js';
import { CryptoModule } from './crypto-module.js';

/** The README's "Ceremony, step by step", as a host program (vaultctl) would run it. */
describe('the officer ceremony of the README, end to end', () => {
  it('runs every step with the public API and leaves a verifiable, complete audit log', async () => {
    const clock = new ManualClock();
    const nvm = new MemoryNvmStore();
    const log: AuditEntry[] = [];
    // 1. Boot.
    const module = await CryptoModule.boot({ nvm, clock: clock.now, moduleSerial: MODULE_SERIAL });
    const port = {
      dispatch: async (request: Parameters<CryptoModule['dispatch']>[0]) => {
        const outcome = await module.dispatch(request);
        if (outcome.audit !== undefined) log.push(outcome.audit);
        return outcome;
      },
    };
    // 2. Start Initialization: record the module public key.
    const started = await port.dispatch({ command: 'start-initialization', body: { time: START_TIME } });
    if (!started.ok) throw new Error(started.error.code);
    const { modulePublicKey } = started.result as { modulePublicKey: string };
    // 3. Open a session, checked against that key.
    const client = new OfficerClient(port, { moduleSerial: MODULE_SERIAL, modulePublicKey });
    await client.openSession();
    // 4. Initialize Access Control.
    await client.call('initialize-access-control', { accounts: Object.values(OFFICERS) });
    // 5. (MKS ceremony, master): the Security Officer generates the MKS → Operational.
    await client.call('logon', { userId: 'so', password: OFFICERS.so.password });
    await client.call('generate-mks', {});
    await client.call('logoff');
    // 7. Auditor enrolment.
    await client.call('logon', { userId: 'auditor', password: OFFICERS.auditor.password });
    const { auditPublicKey } = (await client.call('export-audit-key')) as { auditPublicKey: string };
    await client.call('logoff');
    // 8. Administration: SO opens, Administrator works, closes.
    await client.call('logon', { userId: 'so', password: OFFICERS.so.password });
    await client.call('begin-admin');
    await client.call('logoff');
    await client.call('logon', { userId: 'admin', password: OFFICERS.admin.password });
    await client.call('create-account', { userId: 'kc3', role: 'key-custodian', password: password('kc3') });
    await client.call('end-admin');
    await client.call('logoff');
    // 9. Close the session.
    await client.closeSession();
    const answer = await port.dispatch({ command: 'get-status', body: { nonce: 'AQID' } });
    if (!answer.ok) throw new Error(answer.error.code);
    const status = verifyStatus(answer.result, modulePublicKey, 'AQID');
    expect(status).toMatchObject({
      currentState: 'O',
      persistentState: 'O',
      activeMksVersion: 1,
      sessionOpen: false,
    });
    expect(verifyAuditChain(log, auditPublicKey, { moduleSerial: MODULE_SERIAL, head: status })).toEqual({
      valid: true,
      problems: [],
    });
    expect(log.map((e) => e.command)).toEqual([
      'start-initialization',
      'open-session',
      'initialize-access-control',
      'logon',
      'generate-mks',
      'logoff',
      'logon',
      'export-audit-key',
      'logoff',
      'logon',
      'begin-admin',
      'logoff',
      'logon',
      'create-account',
      'end-admin',
      'logoff',
      'close-session',
    ]);
    // 10. Decommission.
    const reset = await port.dispatch({ command: 'reset' });
    expect(reset.ok).toBe(true);
    expect(verifyAuditChain(log, auditPublicKey).valid).toBe(true);
    expect(nvm.text).toBeNull();
  });
});
