import { MODULE_STATES } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { accessMatrix, callerName, MATRIX_CALLERS } from '../commands/access-matrix.js';
import { COMMAND_TABLE } from '../commands/command-table.js';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import { goto, initializedHarness, logon, OFFICER_BY_ROLE, status } from '../testing/module-harness.js';

/**
 * The same matrix through the real `dispatch`: for every state and caller, a real module in that
 * state with that caller, and every command sent with a body no schema accepts. A command the table
 * refuses must fail with the table's code; one it allows must get past access control and stop at
 * validation (MALFORMED_REQUEST) — which proves dispatch checks access first and uses the table.
 * Either way nothing may change.
 */
const INVALID_BODY = { '~not-a-field': true };
const cells = accessMatrix(COMMAND_TABLE);

describe('dispatch enforces the command table (every command × state × caller)', () => {
  for (const state of MODULE_STATES) {
    for (const caller of MATRIX_CALLERS) {
      it(`in ${state} as ${callerName(caller)}`, async () => {
        const nvm = new MemoryNvmStore();
        const h = await initializedHarness({ nvm });
        if (caller.kind === 'officer') await logon(h.client, OFFICER_BY_ROLE[caller.role]);
        if (caller.kind === 'no-session') await h.client.closeSession();
        await goto(h, state);
        const before = { writes: nvm.writes, status: { ...(await status(h)), signature: null } };
        const mine = cells.filter((c) => c.state === state && c.caller === caller);
        const seen: [string, string][] = [];
        const wanted: [string, string][] = [];
        for (const cell of mine) {
          const outcome =
            caller.kind === 'no-session'
              ? await h.dispatch({ command: cell.command, body: INVALID_BODY })
              : await h.client.send(cell.command, INVALID_BODY);
          seen.push([cell.command, outcome.ok ? 'ok' : outcome.error.code]);
          wanted.push([cell.command, cell.refusal ?? 'MALFORMED_REQUEST']);
          expect(outcome.audit).toBeUndefined();
        }
        expect(seen).toEqual(wanted);
        expect({ writes: nvm.writes, status: { ...(await status(h)), signature: null } }).toEqual(before);
      });
    }
  }
});
