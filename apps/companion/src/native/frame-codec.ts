import { IndiciumError, NATIVE_MESSAGE_MAX_BYTES } from '@indicium/protocol';

/**
 * Native-messaging frames (DESIGN §4.1): a 4-byte little-endian length, then that many bytes of
 * UTF-8 JSON. Chrome drops a host → browser frame above 1 MiB and kills the port, so `encodeFrame`
 * refuses one rather than let the browser fail with a generic error.
 */
export const FRAME_HEADER_BYTES = 4;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** One message as a frame; FRAME_TOO_LARGE when its JSON is over `maxBytes` (1 MiB by default). */
export function encodeFrame(message: unknown, maxBytes: number = NATIVE_MESSAGE_MAX_BYTES): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > maxBytes) {
    throw new IndiciumError('FRAME_TOO_LARGE', {
      detail: `an outgoing message of ${body.length} bytes is over the ${maxBytes}-byte limit`,
      details: { bytes: body.length, limit: maxBytes },
    });
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** What the decoder found in the stream: a message, or a typed refusal of one frame. */
export type DecodedFrame =
  | { readonly ok: true; readonly message: unknown }
  | { readonly ok: false; readonly error: IndiciumError };

/**
 * Reassembles frames from stdin chunks of any size: a chunk may hold part of a frame, or several.
 * A frame over the limit is refused with FRAME_TOO_LARGE and its body skipped without being
 * buffered, and a body that is not UTF-8 JSON is FRAME_MALFORMED; either way the stream stays in
 * step and the frames after it are read.
 */
export class FrameDecoder {
  readonly #maxBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes of an oversized frame still to throw away. */
  #skipping = 0;

  constructor(maxBytes: number = NATIVE_MESSAGE_MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Feeds one chunk; returns every frame it completed, in order. */
  push(chunk: Uint8Array): DecodedFrame[] {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#skipping > 0) {
      const dropped = Math.min(this.#skipping, data.length);
      this.#skipping -= dropped;
      data = data.subarray(dropped);
    }
    if (data.length > 0) {
      this.#pending.push(data);
      this.#pendingBytes += data.length;
    }
    const out: DecodedFrame[] = [];
    for (;;) {
      const frame = this.#next();
      if (frame === undefined) return out;
      out.push(frame);
    }
  }

  /** Bytes received that do not yet make a whole frame (a stream that ends here was cut short). */
  get bufferedBytes(): number {
    return this.#pendingBytes + this.#skipping;
  }

  #next(): DecodedFrame | undefined {
    if (this.#pendingBytes < FRAME_HEADER_BYTES) return undefined;
    const buffered = this.#joined();
    const length = buffered.readUInt32LE(0);
    if (length > this.#maxBytes) {
      const available = buffered.length - FRAME_HEADER_BYTES;
      const dropped = Math.min(length, available);
      this.#skipping = length - dropped;
      this.#keep(buffered.subarray(FRAME_HEADER_BYTES + dropped));
      return {
        ok: false,
        error: new IndiciumError('FRAME_TOO_LARGE', {
          detail: `a frame of ${length} bytes is over the ${this.#maxBytes}-byte limit`,
          details: { bytes: length, limit: this.#maxBytes },
        }),
      };
    }
    if (buffered.length < FRAME_HEADER_BYTES + length) return undefined;
    const body = buffered.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length);
    this.#keep(buffered.subarray(FRAME_HEADER_BYTES + length));
    return parseBody(body);
  }

  #joined(): Buffer {
    if (this.#pending.length > 1) this.#pending = [Buffer.concat(this.#pending, this.#pendingBytes)];
    return this.#pending[0] ?? Buffer.alloc(0);
  }

  #keep(rest: Buffer): void {
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#pendingBytes = rest.length;
  }
}

function parseBody(body: Buffer): DecodedFrame {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return { ok: false, error: new IndiciumError('FRAME_MALFORMED', { detail: 'the frame is not UTF-8' }) };
  }
  try {
    return { ok: true, message: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: new IndiciumError('FRAME_MALFORMED', { detail: 'the frame is not JSON' }) };
  }
}
