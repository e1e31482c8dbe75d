import type { NvmImage } from './nvm-image.js';

/** JSON text of sections already written, by the section value (sections are immutable values). */
const sectionText = new WeakMap<object, string>();

/**
 * `JSON.stringify(image)`, character for character, without re-serialising sections that did not
 * change: a command replaces the sections it changes (`SectionDraft`), so a section object seen
 * before has the same text. Create Indicium changes only the checkpoints and the audit head, and
 * every PSD command writes NVM (DESIGN §3.6), so this is most of an NVM write's work. A cached
 * section (and each cached outbox entry) is frozen, so an in-place change of its own fields (a
 * bug: sections are replaced, never edited) throws instead of leaving stale text. The freeze is
 * shallow: a value nested deeper (an entry's `data`, a list inside a section) is not guarded, and
 * editing one in place would write the old text. `image-json.test.ts` compares with `JSON.stringify`.
 */
export function imageJson(image: NvmImage): string {
  return objectJson(image as unknown as Record<string, unknown>, (key, value) =>
    key === 'sections' && isRecord(value)
      ? objectJson(value, (_, section) => (isRecord(section) ? cachedJson(section) : JSON.stringify(section)))
      : JSON.stringify(value),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !('toJSON' in value);
}

/**
 * A section's JSON, cached by value. Arrays of records inside it (the audit outbox, DESIGN §3.5)
 * are cached element by element: the audit section changes with every command while its outbox
 * entries do not, so a write re-serialises only the entry it added, not every entry still waiting.
 */
function cachedJson(section: Record<string, unknown>): string {
  let text = sectionText.get(section);
  if (text === undefined) {
    text = objectJson(section, (_, value) =>
      Array.isArray(value) && value.length > 0 && value.every(isRecord)
        ? arrayJson(value)
        : JSON.stringify(value),
    );
    Object.freeze(section);
    sectionText.set(section, text);
  }
  return text;
}

/**
 * Concatenated, not joined: V8 keeps `+=` results as ropes, so a write copies the outbox's text
 * once (when the file store encrypts the image), not once more here.
 */
function arrayJson(values: readonly Record<string, unknown>[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    out += (i === 0 ? '' : ',') + recordJson(values[i] as Record<string, unknown>);
  }
  return `${out}]`;
}

/** One array element's JSON, cached and frozen as a section is. */
function recordJson(record: Record<string, unknown>): string {
  let text = sectionText.get(record);
  if (text === undefined) {
    text = JSON.stringify(record);
    Object.freeze(record);
    sectionText.set(record, text);
  }
  return text;
}

/** One object's JSON as JSON.stringify writes it (own enumerable keys in order, undefined skipped). */
function objectJson(
  object: Record<string, unknown>,
  valueJson: (key: string, value: unknown) => string | undefined,
): string {
  let out = '{';
  for (const key of Object.keys(object)) {
    const text = valueJson(key, object[key]);
    if (text === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}
