/**
 * The fixed byte layout of a version 1 indicium (DESIGN §5): 114 bytes, big-endian, the signed part
 * (bytes 0–49) followed by a raw 64-byte ECDSA P-256 r‖s signature over it.
 *
 * The layout is data so that the encoder, the parser, the tests and the README all read one table.
 */

export const INDICIUM_VERSION = 1;
/** ECDSA P-256 with SHA-256, signature as raw r‖s (DESIGN §2, §5). */
export const INDICIUM_ALGORITHM_ECDSA_P256_SHA256 = 1;

export const INDICIUM_LENGTH = 114;
export const INDICIUM_SIGNED_LENGTH = 50;
export const INDICIUM_SIGNATURE_LENGTH = 64;

/** Where a field of the signed part lives: byte offset and width in bytes. */
export interface IndiciumSlot {
  readonly offset: number;
  readonly size: number;
}

/**
 * Every slot of the signed part, in byte order. Keys are the IndiciumFields names, except `flags`
 * (the byte that carries `sample`) and `version`/`algorithm`, which are fields too.
 */
export const INDICIUM_LAYOUT = Object.freeze({
  version: { offset: 0, size: 1 },
  algorithm: { offset: 1, size: 1 },
  certificateSerial: { offset: 2, size: 4 },
  vendorId: { offset: 6, size: 2 },
  psdModel: { offset: 8, size: 2 },
  psdSerial: { offset: 10, size: 4 },
  ascendingRegisterMills: { offset: 14, size: 5 },
  postageMills: { offset: 19, size: 3 },
  mailingDate: { offset: 22, size: 4 },
  originZip: { offset: 26, size: 4 },
  softwareId: { offset: 30, size: 2 },
  descendingRegisterMills: { offset: 32, size: 4 },
  rateCategory: { offset: 36, size: 4 },
  destinationZip: { offset: 40, size: 4 },
  pieceCount: { offset: 44, size: 4 },
  kind: { offset: 48, size: 1 },
  flags: { offset: 49, size: 1 },
} as const satisfies Record<string, IndiciumSlot>);

export type IndiciumSlotName = keyof typeof INDICIUM_LAYOUT;

/** Flag bit 0: SAMPLE, not valid postage (DESIGN §5, legal note). Every other bit is reserved and zero. */
export const INDICIUM_FLAG_SAMPLE = 0x01;
export const INDICIUM_RESERVED_FLAGS_MASK = 0xfe;

// Field maxima: the largest value each field's width holds (DESIGN §5). Money is integer mills.
export const MAX_CERTIFICATE_SERIAL = 0xffff_ffff;
export const MAX_VENDOR_ID = 0xffff;
export const MAX_PSD_MODEL = 0xffff;
export const MAX_PSD_SERIAL = 0xffff_ffff;
/** uint40: $1,099,511,627.775. */
export const MAX_ASCENDING_REGISTER_MILLS = 0xff_ffff_ffff;
/** uint24: $16,777.215 for one piece. */
export const MAX_POSTAGE_MILLS = 0xff_ffff;
export const MAX_SOFTWARE_ID = 0xffff;
/** uint32: $4,294,967.295. */
export const MAX_DESCENDING_REGISTER_MILLS = 0xffff_ffff;
export const MAX_PIECE_COUNT = 0xffff_ffff;
