import { z } from 'zod';
import { INDICIUM_KINDS } from '../indicium/indicium-fields.js';
import {
  MAX_CERTIFICATE_SERIAL,
  MAX_PIECE_COUNT,
  MAX_PSD_MODEL,
  MAX_PSD_SERIAL,
  MAX_SOFTWARE_ID,
  MAX_VENDOR_ID,
} from '../indicium/indicium-layout.js';
import {
  AscendingRegisterMillsSchema,
  DescendingRegisterMillsSchema,
  IsoDateSchema,
  PostageMillsSchema,
  RateCategorySchema,
  ZipSchema,
} from './primitives.js';

/** The PSD package states of DESIGN §3.3. */
export const PSD_STATES = Object.freeze([
  'raw',
  'unleased',
  'assigned',
  'leased',
  'pwreset',
  'withdrawn',
] as const);
export const PsdStateSchema = z.enum(PSD_STATES);
export type PsdState = z.infer<typeof PsdStateSchema>;

export const IndiciumKindSchema = z.enum(INDICIUM_KINDS);

/** The registers after a transaction, as every answer that moves value reports them. */
export const RegistersShape = {
  ascendingRegisterMills: AscendingRegisterMillsSchema,
  descendingRegisterMills: DescendingRegisterMillsSchema,
};

/** The decoded fields of a version 1 indicium (DESIGN §5), as JSON; the codec's IndiciumFields. */
export const IndiciumFieldsSchema = z.strictObject({
  version: z.literal(1),
  algorithm: z.literal(1),
  certificateSerial: z.int().min(1).max(MAX_CERTIFICATE_SERIAL),
  vendorId: z.int().min(0).max(MAX_VENDOR_ID),
  psdModel: z.int().min(0).max(MAX_PSD_MODEL),
  psdSerial: z.int().min(0).max(MAX_PSD_SERIAL),
  ascendingRegisterMills: AscendingRegisterMillsSchema,
  postageMills: PostageMillsSchema,
  mailingDate: IsoDateSchema,
  originZip: ZipSchema,
  softwareId: z.int().min(0).max(MAX_SOFTWARE_ID),
  descendingRegisterMills: DescendingRegisterMillsSchema,
  rateCategory: RateCategorySchema,
  destinationZip: ZipSchema.nullable(),
  pieceCount: z.int().min(0).max(MAX_PIECE_COUNT),
  kind: IndiciumKindSchema,
  sample: z.boolean(),
});
