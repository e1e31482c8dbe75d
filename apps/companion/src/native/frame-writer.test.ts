import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from './frame-codec.js';
import { FrameWriter } from './frame-writer.js';

/** A browser that reads slowly: each chunk is accepted 2 ms later. */
function slowReader(highWaterMark: number) {
  const received: Buffer[] = [];
  let maxBuffered = 0;
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      received.push(chunk);
      setTimeout(done, 2);
    },
  });
  const write = stream.write.bind(stream);
  let refusals = 0;
  stream.write = ((chunk: Buffer) => {
    const ok = write(chunk);
    if (!ok) refusals += 1;
    maxBuffered = Math.max(maxBuffered, stream.writableLength);
    return ok;
  }) as typeof stream.write;
  return { stream, received, stats: () => ({ refusals, maxBuffered }) };
}

describe('FrameWriter back-pressure (DESIGN §4.1)', () => {
  it('waits for drain when write() says so, and delivers every frame intact and in order', async () => {
    const reader = slowReader(1024);
    const writer = new FrameWriter(reader.stream);
    const sent = Array.from({ length: 60 }, (_, i) => ({ i, pad: 'z'.repeat(300) }));
    await Promise.all(sent.map((m) => writer.send(m)));
    await writer.flushed();
    const { refusals, maxBuffered } = reader.stats();
    expect(refusals).toBeGreaterThan(0);
    // Never more than one frame queued past the high-water mark: the writer waited each time.
    expect(maxBuffered).toBeLessThanOrEqual(1024 + 330);
    const decoded = new FrameDecoder().push(Buffer.concat(reader.received));
    expect(decoded.map((f) => (f.ok ? f.message : f.error.code))).toEqual(sent);
  });

  it('an oversized message is refused before anything is written, and later frames still go', async () => {
    const reader = slowReader(1024);
    const writer = new FrameWriter(reader.stream, 100);
    await expect(writer.send({ big: 'x'.repeat(200) })).rejects.toMatchObject({ code: 'FRAME_TOO_LARGE' });
    await writer.send({ small: 1 });
    await writer.flushed();
    expect(
      new FrameDecoder().push(Buffer.concat(reader.received)).map((f) => (f.ok ? f.message : null)),
    ).toEqual([{ small: 1 }]);
  });
});
