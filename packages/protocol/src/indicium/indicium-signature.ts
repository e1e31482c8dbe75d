import { IndiciumError } from '../errors/indicium-error.js';
import { readUintBE } from './big-endian.js';
import type { CodecErrorCode } from './codec-error-code.js';
import { INDICIUM_SIGNATURE_LENGTH } from './indicium-layout.js';

/** The order n of the P-256 group (SEC 2 §2.4.2, FIPS 186-5). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function scalarAt(signature: Uint8Array, offset: number): bigint {
  let value = 0n;
  for (let i = offset; i < offset + 32; i += 4) value = (value << 32n) | BigInt(readUintBE(signature, i, 4));
  return value;
}

/**
 * Checks the shape of a raw r‖s ECDSA P-256 signature (DESIGN §2, §5): 64 bytes, and r and s each in
 * [1, n−1] as ECDSA requires (FIPS 186-5 §6.4.2). This is no verification (that needs the meter
 * certificate): it refuses bytes no signer can have produced, such as all zeros or all 0xff.
 */
export function checkIndiciumSignature(signature: unknown, code: CodecErrorCode): Uint8Array {
  if (!(signature instanceof Uint8Array) || signature.length !== INDICIUM_SIGNATURE_LENGTH) {
    throw new IndiciumError(code, {
      field: 'signature',
      detail: `must be ${INDICIUM_SIGNATURE_LENGTH} bytes`,
    });
  }
  for (const [name, offset] of [
    ['r', 0],
    ['s', 32],
  ] as const) {
    const scalar = scalarAt(signature, offset);
    if (scalar === 0n || scalar >= P256_ORDER) {
      throw new IndiciumError(code, { field: 'signature', detail: `${name} is outside [1, n-1]` });
    }
  }
  return signature;
}
