import { z } from 'zod';
import type { ErrorActor } from '../errors/error-catalog.js';
import { parseDeviceId } from '../indicium/device-id.js';
import {
  MAX_ASCENDING_REGISTER_MILLS,
  MAX_DESCENDING_REGISTER_MILLS,
  MAX_POSTAGE_MILLS,
} from '../indicium/indicium-layout.js';
import { encodeMailingDate } from '../indicium/mailing-date.js';
import { checkRateCategory } from '../indicium/rate-category.js';
import { parseZip } from '../indicium/zip-code.js';
import { base64Bytes } from '../module/module-bytes.js';

/**
 * The building blocks of every wire schema (DESIGN §4). Each rule lives once: ZIP, date, device id
 * and rate category defer to the indicium codec, so a value the schemas accept is one the codec can
 * print, and bytes use the same canonical base64 as the vault↔module messages.
 */

/** The protocol version every envelope and body carries; a mismatch is VERSION_MISMATCH (§4.1). */
export const PROTOCOL_VERSION = 1;
export const ProtocolVersionSchema = z.literal(PROTOCOL_VERSION);

export const CHALLENGE_BYTES = 32;
export const HMAC_BYTES = 32;
export const NONCE_BYTES = 16;
/** ECDSA P-256 signatures on the wire are raw r‖s, as in the indicium (DESIGN §2). */
export const ECDSA_SIGNATURE_BYTES = 64;

/** Bytes as canonical standard base64 (padding, no whitespace): one value, one text. */
export const wireBytes = (size: { exact: number } | { min?: number; max: number }) => base64Bytes(size);

/** Bytes as unpadded base64url, for values that may travel in a URL (tokens, cursors). */
export function base64urlBytes(size: { exact: number } | { min?: number; max: number }) {
  const min = 'exact' in size ? size.exact : (size.min ?? 0);
  const max = 'exact' in size ? size.exact : size.max;
  return z
    .string()
    .max(Math.ceil((max * 4) / 3))
    .regex(CANONICAL_BASE64URL, 'must be canonical unpadded base64url')
    .refine((s) => inRange(Math.floor((s.length * 3) / 4), min, max), `must decode to ${min}..${max} bytes`);
}

// Groups of 4, then an optional 2- or 3-character tail whose unused low bits are zero, so that
// every byte string has exactly one text.
const CANONICAL_BASE64URL =
  /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-][AQgw]|[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048])?$/;

/** Bytes as lower-case hex of an exact length (digests, key ids). */
export function hexBytes(size: { exact: number }) {
  return z
    .string()
    .length(size.exact * 2)
    .regex(/^[0-9a-f]*$/, 'must be lower-case hex');
}

function inRange(n: number, min: number, max: number): boolean {
  return n >= min && n <= max;
}

function accepts(check: (value: string) => unknown): (value: string) => boolean {
  return (value) => {
    try {
      check(value);
      return true;
    } catch {
      return false;
    }
  };
}

/** Money: integer mills (0.1 cent), never a float (DESIGN §4). */
export const MillsSchema = z.int().min(0);
export const PostageMillsSchema = MillsSchema.max(MAX_POSTAGE_MILLS);
export const AscendingRegisterMillsSchema = MillsSchema.max(MAX_ASCENDING_REGISTER_MILLS);
export const DescendingRegisterMillsSchema = MillsSchema.max(MAX_DESCENDING_REGISTER_MILLS);

/** 'NNNNN' or 'NNNNN-NNNN', as the indicium codec accepts it (§5). */
export const ZipSchema = z
  .string()
  .max(10)
  .refine(
    accepts((s) => parseZip(s, 'zip')),
    "must be 'NNNNN' or 'NNNNN-NNNN'",
  );

/** A real calendar date 'YYYY-MM-DD'. */
export const IsoDateSchema = z
  .string()
  .length(10)
  .refine(accepts(encodeMailingDate), "must be a real date 'YYYY-MM-DD'");

/** An instant, UTC, ISO 8601 with 'Z' ('2026-11-26T17:00:00.000Z'). */
export const TimestampSchema = z.iso.datetime();

/** Four characters A–Z 0–9, as printed in the indicium (§5). */
export const RateCategorySchema = z
  .string()
  .length(4)
  .refine(
    accepts((s) => checkRateCategory(s, 'INVALID_FIELD')),
    'must be 4 characters A-Z or 0-9',
  );

/** Device id text 'VVVVV-MMMMM-SSSSSSSSSS' (§5), exactly the meter certificate's CN. */
export const DeviceIdTextSchema = z
  .string()
  .length(22)
  .refine(accepts(parseDeviceId), "must be 'VVVVV-MMMMM-SSSSSSSSSS'");

/** A meter is named by its PSD's device id: one meter, one PSD package, one id. */
export const MeterIdSchema = DeviceIdTextSchema;

/** A meter user (a PSD user of §3.3, holder of one HMK); same alphabet as officer user ids. */
export const MeterUserIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);

/** A web-account customer (DESIGN §6). */
export const CustomerIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,36}$/);

/**
 * A web origin allowed to drive the companion: https only, no path, query, fragment or user info,
 * in the browser's own serialisation (lower-case host, default port omitted), at most 255 chars.
 */
export const OriginSchema = z
  .string()
  .max(255)
  .refine(isHttpsOrigin, 'must be an https origin such as https://meter.example');

function isHttpsOrigin(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === 'https:' && url.origin === text;
}

/** Correlates a request with its ack, progress and answer; chosen by the caller (a UUID fits). */
export const RequestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** A component's release ('1.4.0', '2.0.0-rc.1'), reported in hellos and status. */
export const ComponentVersionSchema = z
  .string()
  .max(64)
  .regex(/^\d{1,5}\.\d{1,5}\.\d{1,5}(?:-[0-9A-Za-z.-]{1,32})?$/);

export const ChallengeSchema = wireBytes({ exact: CHALLENGE_BYTES });
export const HmacSchema = wireBytes({ exact: HMAC_BYTES });
export const NonceSchema = wireBytes({ exact: NONCE_BYTES });
export const EcdsaSignatureSchema = wireBytes({ exact: ECDSA_SIGNATURE_BYTES });

/** The actors of the error catalogue (DESIGN §4.1). */
export const ERROR_ACTORS = Object.freeze([
  'user',
  'install',
  'printer',
  'vault',
  'developer',
] as const satisfies readonly ErrorActor[]);
