import { MODULE_STATES } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { decided, stay, to } from './command-spec.js';
import { currentBeforeWork, transition } from './transition.js';

describe('transition (DESIGN §3.1), pure', () => {
  it('stay keeps every state; to goes to its state from every state', () => {
    for (const state of MODULE_STATES) {
      expect(transition(stay, state)).toBe(state);
      expect(transition(to('A'), state)).toBe('A');
      expect(currentBeforeWork(to('A'), state)).toBe('A');
      expect(currentBeforeWork(decided('O', 'E'), state)).toBe(state);
    }
  });

  it('a decided transition takes only a declared state', () => {
    expect(transition(decided('O', 'E'), 'M', 'E')).toBe('E');
    expect(() => transition(decided('O', 'E'), 'M', 'A')).toThrowError(
      expect.objectContaining({ code: 'INTERNAL_ERROR' }),
    );
    expect(() => transition(decided('O', 'E'), 'M')).toThrowError(
      expect.objectContaining({ code: 'INTERNAL_ERROR' }),
    );
  });
});
