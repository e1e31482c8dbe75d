import { readFileSync } from 'node:fs';

/**
 * The protocol package's known-answer vectors (DESIGN §5), replayed here as STYLE asks of every
 * side. Read as data from the protocol package's test-data folder: it is not part of that
 * package's exports, and a test may read a sibling's files.
 */
interface VectorFile {
  publicKeyPem: string;
  valid: { name: string; indiciumHex: string; fields: { sample: boolean } }[];
  invalid: { name: string; hex: string; field: string }[];
}

const file = JSON.parse(
  readFileSync(new URL('../../../../packages/protocol/test-data/indicium-v1.json', import.meta.url), 'utf8'),
) as VectorFile;

export const VECTOR_PUBLIC_KEY_PEM = file.publicKeyPem;

export const VALID_VECTORS = file.valid.map((vector) => ({
  name: vector.name,
  bytes: Uint8Array.from(Buffer.from(vector.indiciumHex, 'hex')),
  sample: vector.fields.sample,
}));

export const INVALID_VECTORS = file.invalid.map((vector) => ({
  name: vector.name,
  bytes: Uint8Array.from(Buffer.from(vector.hex, 'hex')),
  field: vector.field,
}));
