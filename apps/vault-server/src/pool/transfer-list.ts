/** Byte arrays at least this large are moved, not copied, across the worker boundary. */
const TRANSFER_THRESHOLD = 64 * 1024;

/**
 * The ArrayBuffers of a message that `postMessage` may transfer instead of copying. Module
 * messages carry bytes as base64 text today (protocol `module-bytes.ts`), so this usually finds
 * nothing; it exists so that a future binary field costs no copy. Only a view that spans its
 * whole, large buffer is moved: a small Buffer shares Node's allocation pool, and moving that
 * pool would detach unrelated buffers.
 */
export function transferListOf(message: unknown, depth = 4): ArrayBuffer[] {
  if (depth < 0 || message === null || typeof message !== 'object') return [];
  if (ArrayBuffer.isView(message)) {
    const buffer = message.buffer;
    const whole = message.byteOffset === 0 && message.byteLength === buffer.byteLength;
    return buffer instanceof ArrayBuffer && whole && buffer.byteLength >= TRANSFER_THRESHOLD ? [buffer] : [];
  }
  const found = new Set<ArrayBuffer>();
  for (const value of Object.values(message)) {
    for (const buffer of transferListOf(value, depth - 1)) found.add(buffer);
  }
  return [...found];
}
