import { IndiciumError } from '../errors/indicium-error.js';
import { type CanonicalValue, encodeCanonical } from './canonical-encoding.js';

/**
 * A field type in a layout. A `?` suffix allows null/undefined (encoded as absent); a `[]` suffix
 * is a list of that type.
 */
export type CanonicalFieldType =
  | 'bytes'
  | 'text'
  | 'uint'
  | 'bool'
  | 'bytes?'
  | 'text?'
  | 'uint?'
  | 'bool?'
  | 'bytes[]'
  | 'text[]'
  | 'uint[]';

type Base<T> = T extends 'bytes' | 'bytes?'
  ? Uint8Array
  : T extends 'text' | 'text?'
    ? string
    : T extends 'uint' | 'uint?'
      ? number | bigint
      : T extends 'bool' | 'bool?'
        ? boolean
        : T extends 'bytes[]'
          ? readonly Uint8Array[]
          : T extends 'text[]'
            ? readonly string[]
            : T extends 'uint[]'
              ? readonly (number | bigint)[]
              : never;

type OptionalKeys<S> = { [K in keyof S]: S[K] extends `${string}?` ? K : never }[keyof S];
type RequiredKeys<S> = Exclude<keyof S, OptionalKeys<S>>;

/** The object a layout encodes, inferred from its field spec. */
export type CanonicalInput<S extends Record<string, CanonicalFieldType>> = {
  readonly [K in RequiredKeys<S>]: Base<S[K]>;
} & { readonly [K in OptionalKeys<S>]?: Base<S[K]> | null };

export interface CanonicalLayout<S extends Record<string, CanonicalFieldType>> {
  readonly label: string;
  readonly fields: Readonly<S>;
  /** The canonical bytes of `input`, fields in the layout's order; extra properties are ignored. */
  encode(input: CanonicalInput<S>): Uint8Array;
}

function toValue(type: CanonicalFieldType, raw: unknown, name: string): CanonicalValue {
  if (type.endsWith('?') && (raw === null || raw === undefined)) return { type: 'absent' };
  if (raw === null || raw === undefined) {
    throw new IndiciumError('INVALID_FIELD', { field: name, detail: 'required field is missing' });
  }
  if (type.endsWith('[]')) {
    if (!Array.isArray(raw))
      throw new IndiciumError('INVALID_FIELD', { field: name, detail: 'expected a list' });
    const item = type.slice(0, -2) as CanonicalFieldType;
    return { type: 'list', items: raw.map((v) => toValue(item, v, name)) };
  }
  const base = type.replace('?', '') as 'bytes' | 'text' | 'uint' | 'bool';
  return { type: base, value: raw } as CanonicalValue;
}

/**
 * Declares the fixed field order of one MAC or signature input. The order of `fields` is the order
 * on the wire, so a layout, once published, is never edited: make a `/v2` label instead.
 *
 * @example
 * const ChallengeMac = canonicalLayout('indicium/get-challenge-answer/v1', {
 *   meterId: 'text', clientChallenge: 'bytes', moduleChallenge: 'bytes',
 * });
 * const macInput = ChallengeMac.encode({ meterId, clientChallenge, moduleChallenge });
 */
export function canonicalLayout<const S extends Record<string, CanonicalFieldType>>(
  label: string,
  fields: S,
): CanonicalLayout<S> {
  const names = Object.keys(fields);
  for (const name of names) {
    // Integer-like keys would be reordered by JavaScript's property order rules.
    if (/^\d+$/.test(name)) throw new Error(`canonical field name ${name} must not be integer-like`);
  }
  const frozen = Object.freeze({ ...fields });
  const encode = (input: CanonicalInput<S>): Uint8Array => {
    const record = input as Record<string, unknown>;
    const values = names.map((name) => toValue(frozen[name] as CanonicalFieldType, record[name], name));
    return encodeCanonical(label, values, names);
  };
  // Fail at definition time, not at first use, if the label is bad.
  encodeCanonical(label, []);
  return Object.freeze({ label, fields: frozen, encode });
}
