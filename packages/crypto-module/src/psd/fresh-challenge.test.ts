import { describe, expect, it } from 'vitest';
import { freshChallenge } from './fresh-challenge.js';

describe('freshChallenge', () => {
  it('hands out 32 distinct bytes each time, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const challenge = freshChallenge();
      expect(challenge.length).toBe(32);
      seen.add(Buffer.from(challenge).toString('hex'));
    }
    expect(seen.size).toBe(1000);
  });

  it('gives copies: changing one changes no later challenge', () => {
    const a = freshChallenge();
    a.fill(0);
    expect(freshChallenge().some((b) => b !== 0)).toBe(true);
  });
});
