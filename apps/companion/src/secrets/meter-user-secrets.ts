import {
  AscendingRegisterMillsSchema,
  CustomerIdSchema,
  DescendingRegisterMillsSchema,
  IndiciumError,
  MeterIdSchema,
  MeterUserIdSchema,
  TimestampSchema,
} from '@indicium/protocol';
import { z } from 'zod';

/**
 * What the companion keeps per meter user (DESIGN §4.3): the HMK, the module's last challenge Cm,
 * and its own record of the registers the module last reported to this user (AR/DR), which the
 * next request must carry.
 */
export interface MeterUserSecrets {
  readonly meterId: string;
  readonly userId: string;
  readonly customerId: string;
  /** The 32-byte HMAC key shared with the module (never logged, never sent but to the module). */
  readonly hmk: Uint8Array;
  /** The module's last challenge Cm; null before the first Get Challenge (fresh start). */
  readonly moduleChallenge: Uint8Array | null;
  readonly ascendingRegisterMills: number;
  readonly descendingRegisterMills: number;
  readonly registeredAt: string;
}

const bytes = (size: number) =>
  z
    .base64()
    .transform((text) => new Uint8Array(Buffer.from(text, 'base64')))
    .refine((b) => b.length === size, `must be ${size} bytes`);

const RecordSchema = z.strictObject({
  meterId: MeterIdSchema,
  userId: MeterUserIdSchema,
  customerId: CustomerIdSchema,
  hmk: bytes(32),
  moduleChallenge: bytes(32).nullable(),
  ascendingRegisterMills: AscendingRegisterMillsSchema,
  descendingRegisterMills: DescendingRegisterMillsSchema,
  registeredAt: TimestampSchema,
});
const PlaintextSchema = z.strictObject({ records: z.array(RecordSchema).max(64) });

/** The records as the plaintext sealed in the secrets file. */
export function encodeMeterUsers(records: readonly MeterUserSecrets[]): Buffer {
  const json = {
    records: records.map((r) => ({
      meterId: r.meterId,
      userId: r.userId,
      customerId: r.customerId,
      hmk: Buffer.from(r.hmk).toString('base64'),
      moduleChallenge: r.moduleChallenge === null ? null : Buffer.from(r.moduleChallenge).toString('base64'),
      ascendingRegisterMills: r.ascendingRegisterMills,
      descendingRegisterMills: r.descendingRegisterMills,
      registeredAt: r.registeredAt,
    })),
  };
  PlaintextSchema.parse(json);
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** Parses the opened plaintext; a record that does not parse is LOCAL_STORE_CORRUPT. */
export function decodeMeterUsers(plaintext: Uint8Array): MeterUserSecrets[] {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(plaintext).toString('utf8'));
  } catch {
    throw new IndiciumError('LOCAL_STORE_CORRUPT', {
      field: 'secrets',
      detail: 'sealed content is not JSON',
    });
  }
  const parsed = PlaintextSchema.safeParse(json);
  if (!parsed.success) {
    throw new IndiciumError('LOCAL_STORE_CORRUPT', {
      field: `secrets.${parsed.error.issues[0]?.path.join('.') ?? ''}`,
      detail: 'sealed content does not match its schema',
    });
  }
  return parsed.data.records;
}

/** A copy that shares no buffer with the store, so a caller cannot change or keep the store's HMK. */
export function copyMeterUser(record: MeterUserSecrets): MeterUserSecrets {
  return {
    ...record,
    hmk: new Uint8Array(record.hmk),
    moduleChallenge: record.moduleChallenge === null ? null : new Uint8Array(record.moduleChallenge),
  };
}
