import { IndiciumError } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { MEDIA, MEDIUM_IDS, mediumSpec } from './media-table.js';

describe('media table', () => {
  it.each([
    ['envelope-10', 9.5, 4.125],
    ['label-4x6', 4, 6],
    ['letter', 8.5, 11],
  ] as const)('%s is exactly %s × %s in', (id, width, height) => {
    expect(mediumSpec(id)).toMatchObject({ widthPt: width * 72, heightPt: height * 72 });
  });

  it('lists every medium once and is frozen', () => {
    expect(Object.keys(MEDIA).sort()).toEqual([...MEDIUM_IDS].sort());
    expect(Object.isFrozen(MEDIA)).toBe(true);
    expect(Object.isFrozen(MEDIA['envelope-10'])).toBe(true);
  });

  it('puts a FIM D and a ½-inch clear zone on envelopes only', () => {
    expect(mediumSpec('envelope-10').fim?.pattern).toBe('111010111');
    expect(mediumSpec('envelope-10').clearZonePt).toBe(36);
    expect(mediumSpec('label-4x6').fim).toBeNull();
    expect(mediumSpec('letter').fim).toBeNull();
  });

  it('offers ZPL for the thermal label only', () => {
    expect(MEDIUM_IDS.filter((id) => mediumSpec(id).zpl)).toEqual(['label-4x6']);
  });

  it('puts the letter sheet’s label region in the top-right corner', () => {
    const guide = mediumSpec('letter').guide;
    expect(guide).toEqual({ x: 612 - 18 - 288, y: 18, width: 288, height: 432 });
  });

  it.each(['a4', 'ENVELOPE-10', '', 'toString', '__proto__', 42, undefined])('refuses medium %j', (id) => {
    let error: unknown;
    try {
      mediumSpec(id);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(IndiciumError);
    expect(error).toMatchObject({ code: 'MEDIUM_UNSUPPORTED', field: 'medium' });
  });
});
