import type { z } from 'zod';
import { parseDeviceId } from '../indicium/device-id.js';
import {
  MAX_ASCENDING_REGISTER_MILLS,
  MAX_DESCENDING_REGISTER_MILLS,
  MAX_POSTAGE_MILLS,
} from '../indicium/indicium-layout.js';
import { encodeMailingDate } from '../indicium/mailing-date.js';
import { parseZip } from '../indicium/zip-code.js';
import { OriginSchema, PROTOCOL_VERSION } from '../schemas/primitives.js';
import { type CreateIndiciumBodySchema, isCanonicalBase64Text } from './psd-commands.js';

export type CreateIndiciumBody = z.output<typeof CreateIndiciumBodySchema>;

const BODY_KEYS = ['package', 'checkpoint', 'request'] as const;
const REQUEST_KEYS = [
  'protocol',
  'meterId',
  'userId',
  'clientChallenge',
  'moduleChallenge',
  'ascendingRegisterMills',
  'descendingRegisterMills',
  'transaction',
  'hmac',
] as const;
const TRANSACTION_KEYS = [
  'kind',
  'postageMills',
  'mailingDate',
  'rateCategory',
  'originZip',
  'destinationZip',
  'pageOrigin',
] as const;
const METER_USER_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const RATE_CATEGORY = /^[A-Z0-9]{4}$/;
/** Base64 of exactly 32 bytes: 43 symbols, the last with its two unused bits zero, then '='. */
const BYTES_32 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Origins the zod OriginSchema accepted (URL parsing is the dearest check; a meter prints from few pages). */
const ACCEPTED_ORIGINS = new Set<string>();
const MAX_REMEMBERED_ORIGINS = 256;

/**
 * The hot path's body check (Create Indicium and Create Correction Indicium, DESIGN §4.3), by hand:
 * returns the body when it is one `CreateIndiciumBodySchema` accepts — every field by the same rule
 * (the same codec functions and regular expressions) — and null for anything else, which the
 * caller then parses with zod for its exact error. Never more lenient: only plain objects with
 * exactly the schema's keys pass, and `accept-create-indicium-body.test.ts` checks against zod that
 * whatever this accepts zod accepts with the same output. The body is returned as given, not
 * copied (zod's copy would hold the same strings and numbers).
 */
export function acceptCreateIndiciumBody(body: unknown): CreateIndiciumBody | null {
  if (!hasExactly(body, BODY_KEYS)) return null;
  if (!isBase64Text(body.package, 64, 1 << 16)) return null;
  if (body.checkpoint !== null && !isBase64Text(body.checkpoint, 64, 1024)) return null;
  const request = body.request;
  if (!hasExactly(request, REQUEST_KEYS)) return null;
  if (request.protocol !== PROTOCOL_VERSION) return null;
  if (
    typeof request.meterId !== 'string' ||
    request.meterId.length !== 22 ||
    !accepts(parseDeviceId, request.meterId)
  )
    return null;
  if (typeof request.userId !== 'string' || !METER_USER_ID.test(request.userId)) return null;
  if (!isBytes32(request.clientChallenge) || !isBytes32(request.moduleChallenge) || !isBytes32(request.hmac))
    return null;
  if (!isMills(request.ascendingRegisterMills, 0, MAX_ASCENDING_REGISTER_MILLS)) return null;
  if (!isMills(request.descendingRegisterMills, 0, MAX_DESCENDING_REGISTER_MILLS)) return null;
  const tx = request.transaction;
  if (!hasExactly(tx, TRANSACTION_KEYS)) return null;
  if (tx.kind !== 'postage' && tx.kind !== 'correction') return null;
  if (!isMills(tx.postageMills, 1, MAX_POSTAGE_MILLS)) return null;
  if (
    typeof tx.mailingDate !== 'string' ||
    tx.mailingDate.length !== 10 ||
    !accepts(encodeMailingDate, tx.mailingDate)
  )
    return null;
  if (typeof tx.rateCategory !== 'string' || !RATE_CATEGORY.test(tx.rateCategory)) return null;
  if (!isZip(tx.originZip)) return null;
  if (tx.destinationZip !== null && !isZip(tx.destinationZip)) return null;
  if (!isOrigin(tx.pageOrigin)) return null;
  return body as unknown as CreateIndiciumBody;
}

function hasExactly<K extends string>(
  value: unknown,
  keys: readonly K[],
): value is { readonly [key in K]: unknown } {
  if (typeof value !== 'object' || value === null || !isPlain(value)) return false;
  const own = Object.keys(value);
  if (own.length !== keys.length) return false;
  for (const key of keys) if (!Object.hasOwn(value, key)) return false;
  return true;
}

/** A JSON-like object: Object's prototype or none (a structured clone, JSON.parse, a literal). */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isBase64Text(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string' || value.length > Math.ceil(max / 3) * 4) return false;
  if (!isCanonicalBase64Text(value)) return false;
  const n = (value.length / 4) * 3 - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
  return n >= min && n <= max;
}

function isBytes32(value: unknown): boolean {
  return typeof value === 'string' && BYTES_32.test(value);
}

function isMills(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

function isZip(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 10 && accepts((s) => parseZip(s, 'zip'), value);
}

function isOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (ACCEPTED_ORIGINS.has(value)) return true;
  if (!OriginSchema.safeParse(value).success) return false;
  if (ACCEPTED_ORIGINS.size >= MAX_REMEMBERED_ORIGINS) ACCEPTED_ORIGINS.clear();
  ACCEPTED_ORIGINS.add(value);
  return true;
}

function accepts(check: (value: string) => unknown, value: string): boolean {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
}
