import type { CanonicalFieldType, CanonicalLayout } from '../canonical/canonical-layout.js';
import { IndiciumError } from '../errors/indicium-error.js';
import { fromBase64 } from '../module/module-bytes.js';

/**
 * The MAC or signature input of a parsed wire message: its layout's fields taken from the message
 * (a nested `transaction` is read as if its fields were top-level), base64 bytes decoded. Sender
 * and checker both call this on the same parsed message, so they cannot build different bytes
 * (DESIGN §4). Parse the message with its schema first.
 *
 * @example
 * const request = CreateIndiciumRequestSchema.parse(body);
 * const ok = timingSafeEqual(hmac(hmk, layoutBytesOf(CreateIndiciumRequestMac, request)), fromBase64(request.hmac));
 */
export function layoutBytesOf<S extends Record<string, CanonicalFieldType>>(
  layout: CanonicalLayout<S>,
  message: object,
): Uint8Array {
  const top = message as Record<string, unknown>;
  const nested = top.transaction;
  const flat: Record<string, unknown> = { ...top };
  if (typeof nested === 'object' && nested !== null) {
    for (const [name, value] of Object.entries(nested)) {
      // A name in both places would make it ambiguous which one the MAC covers.
      if (Object.hasOwn(top, name))
        throw new IndiciumError('INVALID_FIELD', { field: name, detail: 'duplicate' });
      flat[name] = value;
    }
  }
  const input: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(layout.fields)) {
    const value = flat[name];
    if (type.startsWith('bytes') && typeof value === 'string') input[name] = decode(value, name);
    else if (type === 'bytes[]' && Array.isArray(value)) input[name] = value.map((v) => decode(v, name));
    else input[name] = value;
  }
  return layout.encode(input as Parameters<CanonicalLayout<S>['encode']>[0]);
}

function decode(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string')
    throw new IndiciumError('INVALID_FIELD', { field, detail: 'expected base64' });
  try {
    return fromBase64(value);
  } catch {
    throw new IndiciumError('INVALID_FIELD', { field, detail: 'not canonical base64' });
  }
}
