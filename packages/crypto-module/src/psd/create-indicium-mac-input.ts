import {
  CanonicalTag,
  CreateIndiciumAnswerMac,
  type CreateIndiciumRequest,
  CreateIndiciumRequestMac,
} from '@indicium/protocol';
import { fastEncode, fastLayoutBytes, prepare } from './package/fast-canonical.js';

/**
 * The two MAC inputs of Create Indicium (DESIGN §4.3 steps 5 and 10), written straight into one
 * buffer: the request's base64 challenges decoded in place, no intermediate record or Buffers.
 * The same bytes as `layoutBytesOf(CreateIndiciumRequestMac, request)` and
 * `CreateIndiciumAnswerMac.encode(...)` (`create-indicium-mac-input.test.ts` compares them on
 * random requests); a request the body check did not leave in the expected shape goes to the
 * generic encoder instead, which refuses it exactly as before.
 */

const CHALLENGE_BYTES = 32;
type AnyLayout = Parameters<typeof prepare>[0];
const REQUEST_HEAD = prepare(CreateIndiciumRequestMac as unknown as AnyLayout).head;
const ANSWER_HEAD = prepare(CreateIndiciumAnswerMac as unknown as AnyLayout).head;

function textSize(text: string): number {
  return 5 + Buffer.byteLength(text, 'utf8');
}

function writeText(out: Buffer, at: number, text: string): number {
  out[at] = CanonicalTag.text;
  const n = out.write(text, at + 5, 'utf8');
  out.writeUInt32BE(n, at + 1);
  return at + 5 + n;
}

function writeUint(out: Buffer, at: number, value: number): number {
  out[at] = CanonicalTag.uint;
  out.writeUInt32BE(8, at + 1);
  out.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at + 5);
  out.writeUInt32BE(value >>> 0, at + 9);
  return at + 13;
}

function writeBytes(out: Buffer, at: number, bytes: Uint8Array): number {
  out[at] = CanonicalTag.bytes;
  out.writeUInt32BE(bytes.length, at + 1);
  out.set(bytes, at + 5);
  return at + 5 + bytes.length;
}

/** A base64 challenge decoded into place; false when it is not exactly 32 bytes. */
function writeChallenge(out: Buffer, at: number, base64: string): boolean {
  // 43 symbols and one '=' are exactly 32 bytes; any other text is left to the generic encoder.
  if (base64.length !== 44 || base64.charCodeAt(43) !== 0x3d || base64.charCodeAt(42) === 0x3d) return false;
  out[at] = CanonicalTag.bytes;
  out.writeUInt32BE(CHALLENGE_BYTES, at + 1);
  return out.write(base64, at + 5, CHALLENGE_BYTES, 'base64') === CHALLENGE_BYTES;
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** `layoutBytesOf(CreateIndiciumRequestMac, request)` for a request the body check accepted. */
export function createIndiciumRequestMacInput(request: CreateIndiciumRequest): Buffer {
  const tx = request.transaction;
  const texts = [request.meterId, request.userId, tx.kind, tx.mailingDate, tx.rateCategory, tx.originZip];
  if (
    texts.some((t) => typeof t !== 'string') ||
    typeof tx.pageOrigin !== 'string' ||
    (tx.destinationZip !== null && typeof tx.destinationZip !== 'string') ||
    !isUint(request.ascendingRegisterMills) ||
    !isUint(request.descendingRegisterMills) ||
    !isUint(tx.postageMills) ||
    typeof request.clientChallenge !== 'string' ||
    typeof request.moduleChallenge !== 'string'
  ) {
    return fastLayoutBytes(CreateIndiciumRequestMac, request);
  }
  let size = REQUEST_HEAD.length + 2 * (5 + CHALLENGE_BYTES) + 3 * 13 + textSize(tx.pageOrigin);
  for (const t of texts) size += textSize(t);
  size += tx.destinationZip === null ? 5 : textSize(tx.destinationZip);
  const out = Buffer.allocUnsafe(size);
  REQUEST_HEAD.copy(out, 0);
  let at = REQUEST_HEAD.length;
  at = writeText(out, at, request.meterId);
  at = writeText(out, at, request.userId);
  if (!writeChallenge(out, at, request.clientChallenge))
    return fastLayoutBytes(CreateIndiciumRequestMac, request);
  at += 5 + CHALLENGE_BYTES;
  if (!writeChallenge(out, at, request.moduleChallenge))
    return fastLayoutBytes(CreateIndiciumRequestMac, request);
  at += 5 + CHALLENGE_BYTES;
  at = writeUint(out, at, request.ascendingRegisterMills);
  at = writeUint(out, at, request.descendingRegisterMills);
  at = writeText(out, at, tx.kind);
  at = writeUint(out, at, tx.postageMills);
  at = writeText(out, at, tx.mailingDate);
  at = writeText(out, at, tx.rateCategory);
  at = writeText(out, at, tx.originZip);
  if (tx.destinationZip === null) {
    out[at] = CanonicalTag.absent;
    out.writeUInt32BE(0, at + 1);
    at += 5;
  } else at = writeText(out, at, tx.destinationZip);
  writeText(out, at, tx.pageOrigin);
  return out;
}

/** The answer's MAC fields, the client challenge still the request's base64 text. */
export interface AnswerMacFields {
  readonly meterId: string;
  readonly userId: string;
  readonly indicium: Uint8Array;
  readonly clientChallenge: string;
  readonly moduleChallenge: Uint8Array;
  readonly ascendingRegisterMills: number;
  readonly descendingRegisterMills: number;
}

function viaReference(f: AnswerMacFields): Buffer {
  return fastEncode(CreateIndiciumAnswerMac, {
    ...f,
    clientChallenge: Buffer.from(f.clientChallenge, 'base64'),
  });
}

/** `CreateIndiciumAnswerMac.encode(...)` of the answer, with the client challenge decoded in place. */
export function createIndiciumAnswerMacInput(f: AnswerMacFields): Buffer {
  if (!isUint(f.ascendingRegisterMills) || !isUint(f.descendingRegisterMills)) return viaReference(f);
  const size =
    ANSWER_HEAD.length +
    textSize(f.meterId) +
    textSize(f.userId) +
    5 +
    f.indicium.length +
    2 * 5 +
    CHALLENGE_BYTES +
    f.moduleChallenge.length +
    2 * 13;
  const out = Buffer.allocUnsafe(size);
  ANSWER_HEAD.copy(out, 0);
  let at = ANSWER_HEAD.length;
  at = writeText(out, at, f.meterId);
  at = writeText(out, at, f.userId);
  at = writeBytes(out, at, f.indicium);
  if (!writeChallenge(out, at, f.clientChallenge)) return viaReference(f);
  at += 5 + CHALLENGE_BYTES;
  at = writeBytes(out, at, f.moduleChallenge);
  at = writeUint(out, at, f.ascendingRegisterMills);
  writeUint(out, at, f.descendingRegisterMills);
  return out;
}
