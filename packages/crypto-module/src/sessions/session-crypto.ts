import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import {
  fromBase64,
  IndiciumError,
  SESSION_KDF_INFO,
  type SealedMessage,
  type SessionDirection,
  SessionMessageLayout,
  toBase64,
} from '@indicium/protocol';

/**
 * Session cryptography shared by the module and the host client (DESIGN §2 "Officer sessions"):
 * HKDF-SHA-256 master keys per direction from the X25519 secret (salt: the session id), then a
 * fresh key per message from the master and the counter, so no two messages share a MAC or
 * encryption key. Each message is HMAC-SHA-256 over `SessionMessageLayout` (encrypt-then-MAC when
 * encrypted with AES-256-GCM).
 */
export interface SessionMasters {
  readonly request: Uint8Array;
  readonly answer: Uint8Array;
}

export function deriveSessionMasters(shared: Uint8Array, sessionId: Uint8Array): SessionMasters {
  const derive = (info: string) => new Uint8Array(hkdfSync('sha256', shared, sessionId, info, 32));
  return { request: derive(SESSION_KDF_INFO.request), answer: derive(SESSION_KDF_INFO.answer) };
}

function messageKeys(master: Uint8Array, counter: number): { mac: Buffer; enc: Buffer } {
  const info = Buffer.alloc(SESSION_KDF_INFO.message.length + 8);
  info.write(SESSION_KDF_INFO.message, 0, 'ascii');
  info.writeBigUInt64BE(BigInt(counter), SESSION_KDF_INFO.message.length);
  const okm = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 64));
  return { mac: okm.subarray(0, 32), enc: okm.subarray(32) };
}

export interface SealParams {
  readonly direction: SessionDirection;
  readonly master: Uint8Array;
  readonly sessionId: string;
  readonly counter: number;
  readonly command: string;
  readonly encrypt: boolean;
}

function macInput(p: SealParams, payload: Uint8Array): Uint8Array {
  return SessionMessageLayout.encode({
    sessionId: fromBase64(p.sessionId),
    direction: p.direction,
    counter: p.counter,
    command: p.command,
    encrypted: p.encrypt,
    payload,
  });
}

/** Seals a JSON-safe body as one session message. */
export function sealMessage(p: SealParams, body: unknown): SealedMessage {
  const keys = messageKeys(p.master, p.counter);
  let payload: Uint8Array = Buffer.from(JSON.stringify(body ?? null), 'utf8');
  if (p.encrypt) {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keys.enc, nonce);
    cipher.setAAD(macInput(p, new Uint8Array(0)));
    payload = Buffer.concat([nonce, cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
  }
  const mac = createHmac('sha256', keys.mac).update(macInput(p, payload)).digest();
  return {
    sessionId: p.sessionId,
    counter: p.counter,
    encrypted: p.encrypt,
    payload: toBase64(payload),
    mac: toBase64(mac),
  };
}

function rejected(detail: string): IndiciumError {
  return new IndiciumError('SESSION_MESSAGE_REJECTED', { detail });
}

/**
 * Opens a session message after checking session id, counter, MAC and (if encrypted) the GCM tag.
 * The caller decides which counters are acceptable (`expectCounter`): strictly increasing on the
 * module side, exactly its own request's counter on the host side.
 */
export function openMessage(
  p: Omit<SealParams, 'counter' | 'encrypt'> & { readonly expectCounter: (counter: number) => boolean },
  sealed: SealedMessage,
): unknown {
  if (sealed.sessionId !== p.sessionId) throw rejected('wrong session');
  if (!p.expectCounter(sealed.counter)) throw rejected('replayed or reordered counter');
  const params: SealParams = { ...p, counter: sealed.counter, encrypt: sealed.encrypted };
  const keys = messageKeys(p.master, sealed.counter);
  const payload = fromBase64(sealed.payload);
  const expected = createHmac('sha256', keys.mac).update(macInput(params, payload)).digest();
  const mac = fromBase64(sealed.mac);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected))
    throw rejected('MAC does not verify');
  let plain: Uint8Array = payload;
  if (sealed.encrypted) {
    if (payload.length < 28) throw rejected('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', keys.enc, payload.subarray(0, 12));
    decipher.setAAD(macInput(params, new Uint8Array(0)));
    decipher.setAuthTag(payload.subarray(payload.length - 16));
    try {
      plain = Buffer.concat([decipher.update(payload.subarray(12, payload.length - 16)), decipher.final()]);
    } catch {
      throw rejected('ciphertext does not verify');
    }
  }
  try {
    return JSON.parse(Buffer.from(plain).toString('utf8')) as unknown;
  } catch {
    throw new IndiciumError('MALFORMED_REQUEST', { field: 'sealed.payload', detail: 'payload is not JSON' });
  }
}
