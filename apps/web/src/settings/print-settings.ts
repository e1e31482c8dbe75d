import { type Medium, MediumSchema } from '@indicium/protocol';

/** This browser's print preferences (DESIGN §8: printer and medium settings). Not secret, not value. */
export interface PrintSettings {
  /** '' = the companion's default printer. */
  readonly printerId: string;
  readonly medium: Medium;
}

export const DEFAULT_PRINT_SETTINGS: PrintSettings = Object.freeze({ printerId: '', medium: 'envelope-10' });

const KEY = 'indicium.print-settings.v1';

/** The part of `Storage` used (a test passes a Map-backed one). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Reads the saved settings; anything unreadable or out of range falls back to the defaults. */
export function loadPrintSettings(store: KeyValueStore): PrintSettings {
  try {
    const raw: unknown = JSON.parse(store.getItem(KEY) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return DEFAULT_PRINT_SETTINGS;
    const { printerId, medium } = raw as Record<string, unknown>;
    const parsedMedium = MediumSchema.safeParse(medium);
    return {
      printerId: typeof printerId === 'string' && printerId.length <= 128 ? printerId : '',
      medium: parsedMedium.success ? parsedMedium.data : DEFAULT_PRINT_SETTINGS.medium,
    };
  } catch {
    return DEFAULT_PRINT_SETTINGS;
  }
}

export function savePrintSettings(store: KeyValueStore, settings: PrintSettings): void {
  store.setItem(KEY, JSON.stringify({ printerId: settings.printerId, medium: settings.medium }));
}

export const MEDIUM_LABELS: Readonly<Record<Medium, string>> = Object.freeze({
  'envelope-10': '#10 envelope',
  'label-4x6': '4×6 label',
  letter: 'US-letter sheet',
});
