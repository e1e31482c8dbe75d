import { describe, expect, it } from 'vitest';
import { canReprint } from './can-reprint.js';

describe('canReprint (DESIGN §7: reprint only of an unprinted indicium)', () => {
  it('offers a reprint for issued and failed pieces only', () => {
    expect(canReprint({ status: 'issued' })).toBe(true);
    expect(canReprint({ status: 'print-failed' })).toBe(true);
    expect(canReprint({ status: 'printed' })).toBe(false);
    expect(canReprint({ status: 'refunded' })).toBe(false);
  });
});
