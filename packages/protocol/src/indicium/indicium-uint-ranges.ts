import {
  MAX_ASCENDING_REGISTER_MILLS,
  MAX_CERTIFICATE_SERIAL,
  MAX_DESCENDING_REGISTER_MILLS,
  MAX_PIECE_COUNT,
  MAX_POSTAGE_MILLS,
  MAX_PSD_MODEL,
  MAX_PSD_SERIAL,
  MAX_SOFTWARE_ID,
  MAX_VENDOR_ID,
} from './indicium-layout.js';

/**
 * The plain unsigned integer fields of the signed part with their smallest and largest value, read
 * by both the encoder and the parser so the two directions cannot disagree.
 *
 * The certificate serial starts at 1: an X.509 serial number is a positive integer (RFC 5280
 * §4.1.2.2), and field 3 names the meter certificate (DESIGN §5). Everything else may be 0: the
 * codec checks the format; value policy (indicium limits, DR covers the postage) is the module's
 * (DESIGN §4.3 steps 6–7).
 */
export const INDICIUM_UINT_RANGES = Object.freeze({
  certificateSerial: [1, MAX_CERTIFICATE_SERIAL],
  vendorId: [0, MAX_VENDOR_ID],
  psdModel: [0, MAX_PSD_MODEL],
  psdSerial: [0, MAX_PSD_SERIAL],
  ascendingRegisterMills: [0, MAX_ASCENDING_REGISTER_MILLS],
  postageMills: [0, MAX_POSTAGE_MILLS],
  softwareId: [0, MAX_SOFTWARE_ID],
  descendingRegisterMills: [0, MAX_DESCENDING_REGISTER_MILLS],
  pieceCount: [0, MAX_PIECE_COUNT],
} as const satisfies Record<string, readonly [number, number]>);

export type IndiciumUintField = keyof typeof INDICIUM_UINT_RANGES;
