/**
 * Big-endian unsigned integers of 1 to 6 bytes (DESIGN §5 uses up to uint40). Arithmetic, not bit
 * operators: JavaScript's bitwise operators truncate to 32 bits and would silently corrupt the
 * 40-bit ascending register.
 */

/** Writes `value` (already range-checked by the caller) into `size` bytes at `offset`. */
export function writeUintBE(target: Uint8Array, offset: number, size: number, value: number): void {
  let rest = value;
  for (let i = offset + size - 1; i >= offset; i--) {
    target[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  if (rest !== 0) throw new RangeError(`value does not fit in ${size} bytes`);
}

/** Reads `size` bytes at `offset` as an unsigned big-endian integer. */
export function readUintBE(source: Uint8Array, offset: number, size: number): number {
  let value = 0;
  for (let i = offset; i < offset + size; i++) {
    const byte = source[i];
    if (byte === undefined) throw new RangeError('read past the end of the buffer');
    value = value * 256 + byte;
  }
  return value;
}
