import { IndiciumError, NATIVE_MESSAGE_MAX_BYTES } from '@indicium/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DecodedFrame, encodeFrame, FrameDecoder } from './frame-codec.js';

function frameOf(body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.alloc(4);
  header.writeUInt32LE(bytes.length, 0);
  return Buffer.concat([header, bytes]);
}

function messages(frames: DecodedFrame[]): unknown[] {
  return frames.map((f) => (f.ok ? f.message : { error: f.error.code }));
}

/** Splits bytes at the given cut points (sorted, deduplicated). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

describe('native-messaging frames (DESIGN §4.1)', () => {
  it('encodes a 4-byte little-endian length, then UTF-8 JSON', () => {
    const frame = encodeFrame({ kind: 'hello', text: 'é' });
    const body = '{"kind":"hello","text":"é"}';
    expect(frame.readUInt32LE(0)).toBe(Buffer.byteLength(body));
    expect(frame.subarray(4).toString('utf8')).toBe(body);
  });

  it('reads several frames from one chunk, and a frame split over many chunks', () => {
    const decoder = new FrameDecoder();
    const both = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame({ b: 2 })]);
    expect(messages(decoder.push(both))).toEqual([{ a: 1 }, { b: 2 }]);
    const one = encodeFrame({ c: 'x'.repeat(100) });
    const out: DecodedFrame[] = [];
    for (const byte of one) out.push(...decoder.push(Uint8Array.of(byte)));
    expect(messages(out)).toEqual([{ c: 'x'.repeat(100) }]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('any messages, cut anywhere, come out the same and in order (property)', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    fc.assert(
      fc.property(
        fc.array(json, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, cuts) => {
          const stream = Buffer.concat(values.map((v) => encodeFrame(v)));
          const decoder = new FrameDecoder();
          const out = split(stream, cuts).flatMap((chunk) => decoder.push(chunk));
          expect(messages(out)).toEqual(values);
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts a frame of exactly the limit, both ways', () => {
    const text = 'y'.repeat(NATIVE_MESSAGE_MAX_BYTES - 2); // the JSON text adds two quotes
    const frame = encodeFrame(text);
    expect(frame.length).toBe(NATIVE_MESSAGE_MAX_BYTES + 4);
    expect(messages(new FrameDecoder().push(frame))).toEqual([text]);
  });

  it('refuses to encode one byte over the limit (FRAME_TOO_LARGE), so the browser never gets one', () => {
    let caught: unknown;
    try {
      encodeFrame('y'.repeat(NATIVE_MESSAGE_MAX_BYTES - 1));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IndiciumError);
    expect((caught as IndiciumError).code).toBe('FRAME_TOO_LARGE');
    expect((caught as IndiciumError).details).toEqual({
      bytes: NATIVE_MESSAGE_MAX_BYTES + 1,
      limit: NATIVE_MESSAGE_MAX_BYTES,
    });
  });

  it('refuses an oversized incoming frame without buffering it, then reads the next frame (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65, max: 400 }), fc.array(fc.nat(), { maxLength: 10 }), (size, cuts) => {
        const decoder = new FrameDecoder(64);
        const stream = Buffer.concat([frameOf(Buffer.alloc(size, 0x41)), encodeFrame({ after: true })]);
        const out = split(stream, cuts).flatMap((chunk) => decoder.push(chunk));
        expect(messages(out)).toEqual([{ error: 'FRAME_TOO_LARGE' }, { after: true }]);
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a header announcing 4 GiB is refused at once, and its bytes are skipped as they come', () => {
    const decoder = new FrameDecoder();
    const header = Buffer.alloc(4);
    header.writeUInt32LE(0xffffffff, 0);
    const first = decoder.push(Buffer.concat([header, Buffer.alloc(1000)]));
    expect(messages(first)).toEqual([{ error: 'FRAME_TOO_LARGE' }]);
    expect(decoder.bufferedBytes).toBe(0xffffffff - 1000);
    expect(decoder.push(Buffer.alloc(10_000))).toEqual([]);
  });

  it('refuses a body that is not JSON or not UTF-8 (FRAME_MALFORMED), then reads on', () => {
    const decoder = new FrameDecoder();
    const stream = Buffer.concat([
      frameOf('{"unterminated":'),
      frameOf(Buffer.from([0x22, 0xc3, 0x28, 0x22])), // "\xC3(" is not UTF-8
      frameOf(''),
      encodeFrame({ ok: 1 }),
    ]);
    const out = decoder.push(stream);
    expect(messages(out)).toEqual([
      { error: 'FRAME_MALFORMED' },
      { error: 'FRAME_MALFORMED' },
      { error: 'FRAME_MALFORMED' },
      { ok: 1 },
    ]);
  });

  it('garbage of any shape never throws and never desynchronises a well-framed stream (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (garbage) => {
        const decoder = new FrameDecoder(256);
        const out = decoder.push(frameOf(Buffer.from(garbage)));
        expect(out).toHaveLength(1);
        expect(messages(decoder.push(encodeFrame({ next: 1 })))).toEqual([{ next: 1 }]);
      }),
      { numRuns: 300 },
    );
  });
});
