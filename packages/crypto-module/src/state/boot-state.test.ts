import { MODULE_STATES } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { bootState } from './boot-state.js';

/** DESIGN §3.1's boot rules, written out as the spec states them. */
const EXPECTED = {
  E: { withMks: ['E', 'E'], withoutMks: ['E', 'E'] },
  I: { withMks: ['E', 'E'], withoutMks: ['E', 'E'] },
  M: { withMks: ['O', 'O'], withoutMks: ['E', 'E'] },
  X: { withMks: ['E', 'O'], withoutMks: ['E', 'O'] },
  U: { withMks: ['U', 'U'], withoutMks: ['U', 'U'] },
  O: { withMks: ['O', 'O'], withoutMks: ['O', 'O'] },
  A: { withMks: ['O', 'O'], withoutMks: ['O', 'O'] },
} as const;

describe('boot rules (DESIGN §3.1)', () => {
  for (const persistent of MODULE_STATES) {
    for (const mks of [true, false]) {
      const [current, next] = EXPECTED[persistent][mks ? 'withMks' : 'withoutMks'];
      it(`persistent ${persistent}, ${mks ? 'an' : 'no'} active MKS → current ${current}, persistent ${next}`, () => {
        const rule = bootState(persistent, mks);
        expect([rule.current, rule.persistent]).toEqual([current, next]);
        expect(rule.errorCode === null).toBe(current !== 'E');
      });
    }
  }

  it('keeps the reason of a persisted fatal Error', () => {
    expect(bootState('E', true, 'NVM_CORRUPT').errorCode).toBe('NVM_CORRUPT');
    expect(bootState('M', false).errorCode).toBe('MKS_MISSING');
  });
});
