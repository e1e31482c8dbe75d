import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { encodeFrame } from './frame-codec.js';

/**
 * Writes frames to the browser in order and respects back-pressure (DESIGN §4.1): when `write()`
 * returns false the next frame waits for 'drain', so a slow browser never makes the companion
 * buffer an unbounded queue in memory. Encoding happens before anything is queued, so an
 * oversized message throws FRAME_TOO_LARGE to the caller and no partial frame is ever written.
 */
export class FrameWriter {
  readonly #out: Writable;
  readonly #maxBytes: number | undefined;
  #tail: Promise<void> = Promise.resolve();

  constructor(out: Writable, maxBytes?: number) {
    this.#out = out;
    this.#maxBytes = maxBytes;
  }

  /** Queues one message; resolves once the stream accepted it (after a 'drain' if it had to wait). */
  send(message: unknown): Promise<void> {
    let frame: Buffer;
    try {
      frame = encodeFrame(message, this.#maxBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    const written = this.#tail.then(() => this.#write(frame));
    // A failed write must not wedge the frames queued after it.
    this.#tail = written.catch(() => undefined);
    return written;
  }

  /** Resolves when every queued frame has been handed to the stream. */
  flushed(): Promise<void> {
    return this.#tail;
  }

  async #write(frame: Buffer): Promise<void> {
    if (this.#out.destroyed || this.#out.writableEnded) throw new Error('the output stream is closed');
    if (!this.#out.write(frame)) {
      await once(this.#out, 'drain');
    }
  }
}
