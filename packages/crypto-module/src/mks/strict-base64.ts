import { type ErrorCode, IndiciumError } from '@indicium/protocol';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes canonical base64 or throws `code` naming `field`. Node's decoder skips characters it does
 * not know, so two different texts could decode to one value; a strict check keeps "any changed
 * byte is refused" true for texts that travel between modules.
 */
export function decodeBase64(
  text: unknown,
  field: string,
  code: ErrorCode,
  length?: { readonly min: number; readonly max: number },
): Buffer {
  if (typeof text !== 'string' || !BASE64.test(text)) {
    throw new IndiciumError(code, { field, detail: 'not canonical base64' });
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text)
    throw new IndiciumError(code, { field, detail: 'not canonical base64' });
  if (length !== undefined && (bytes.length < length.min || bytes.length > length.max)) {
    throw new IndiciumError(code, { field, detail: `length must be ${length.min}..${length.max} bytes` });
  }
  return bytes;
}
