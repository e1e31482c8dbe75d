/** What an indicium pays for (DESIGN §3.3, §5): a postage piece, a correction to one, or a refund. */
export type IndiciumKind = 'postage' | 'correction' | 'refund';

/** The kind byte at offset 48. The order is the wire format: never reorder, only append. */
export const INDICIUM_KIND_CODES = Object.freeze({
  postage: 0,
  correction: 1,
  refund: 2,
} as const satisfies Record<IndiciumKind, number>);

export const INDICIUM_KINDS = Object.freeze([
  'postage',
  'correction',
  'refund',
] as const satisfies readonly IndiciumKind[]);

/**
 * The decoded signed part of a version 1 indicium (DESIGN §5). Registers are the values *after*
 * this piece. Money is integer mills. `sample` is flag bit 0 (SAMPLE – NOT VALID POSTAGE).
 */
export interface IndiciumFields {
  version: 1;
  algorithm: 1;
  certificateSerial: number;
  vendorId: number;
  psdModel: number;
  psdSerial: number;
  ascendingRegisterMills: number;
  postageMills: number;
  /** 'YYYY-MM-DD', a real calendar date. */
  mailingDate: string;
  /** The licensing ZIP, 'NNNNN' or 'NNNNN-NNNN'. */
  originZip: string;
  softwareId: number;
  descendingRegisterMills: number;
  /** 4 characters A–Z or 0–9. */
  rateCategory: string;
  /** 'NNNNN' or 'NNNNN-NNNN', or null when not given (encoded as 0). */
  destinationZip: string | null;
  pieceCount: number;
  kind: IndiciumKind;
  sample: boolean;
}

/** Every key of IndiciumFields, in byte order; anything else in an input object is refused. */
export const INDICIUM_FIELD_NAMES = Object.freeze([
  'version',
  'algorithm',
  'certificateSerial',
  'vendorId',
  'psdModel',
  'psdSerial',
  'ascendingRegisterMills',
  'postageMills',
  'mailingDate',
  'originZip',
  'softwareId',
  'descendingRegisterMills',
  'rateCategory',
  'destinationZip',
  'pieceCount',
  'kind',
  'sample',
] as const satisfies readonly (keyof IndiciumFields)[]);
