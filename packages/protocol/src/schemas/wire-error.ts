import { z } from 'zod';
import { ERROR_ACTORS } from './primitives.js';

/**
 * The error every boundary sends (DESIGN §4.1): `toWireError` builds it, `fromWireError` reads it.
 * The code is any code-shaped text, not only today's: a newer vault may add codes, and
 * `fromWireError` turns an unknown one into INTERNAL_ERROR rather than refusing the message.
 */
export const WireErrorSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
  message: z.string().max(1024),
  actor: z.enum(ERROR_ACTORS),
  nextStep: z.string().max(1024),
  field: z.string().max(128).optional(),
  details: z
    .record(z.string().max(64), z.json())
    .refine((d) => JSON.stringify(d).length <= 4096, 'details must stay under 4 KiB')
    .optional(),
  errorId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});
export type WireErrorMessage = z.infer<typeof WireErrorSchema>;
