import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRINT_SETTINGS,
  type KeyValueStore,
  loadPrintSettings,
  savePrintSettings,
} from './print-settings.js';

function memoryStore(initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('print settings (DESIGN §8)', () => {
  it('round-trips a printer and a medium', () => {
    const store = memoryStore();
    expect(loadPrintSettings(store)).toEqual(DEFAULT_PRINT_SETTINGS);
    savePrintSettings(store, { printerId: 'cups:Office', medium: 'label-4x6' });
    expect(loadPrintSettings(store)).toEqual({ printerId: 'cups:Office', medium: 'label-4x6' });
  });

  it('falls back to defaults for broken or foreign values', () => {
    const key = 'indicium.print-settings.v1';
    expect(loadPrintSettings(memoryStore({ [key]: '{not json' }))).toEqual(DEFAULT_PRINT_SETTINGS);
    expect(loadPrintSettings(memoryStore({ [key]: '"text"' }))).toEqual(DEFAULT_PRINT_SETTINGS);
    expect(loadPrintSettings(memoryStore({ [key]: JSON.stringify({ printerId: 7, medium: 'a4' }) }))).toEqual(
      DEFAULT_PRINT_SETTINGS,
    );
    const long = JSON.stringify({ printerId: 'x'.repeat(129), medium: 'letter' });
    expect(loadPrintSettings(memoryStore({ [key]: long }))).toEqual({ printerId: '', medium: 'letter' });
  });
});
