import { createHash, timingSafeEqual } from 'node:crypto';
import { PairingCodeLayout, PairingCommitmentLayout } from '@indicium/protocol';

/** What both sides hash into the code: each side fills it with what IT saw (DESIGN §9). */
export type PairingTranscript = Parameters<typeof PairingCodeLayout.encode>[0];

/** SHA-256 of the gateway's nonce and the pairing id, sent before the interface reveals its nonce. */
export function pairingCommitment(pairingId: string, gatewayNonce: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update(PairingCommitmentLayout.encode({ pairingId, gatewayNonce })).digest(),
  );
}

/**
 * The six-digit code a person compares on both screens, as password managers pair a browser with
 * their desktop app: SHA-256 of the canonical transcript, first four bytes big-endian, mod 10^6,
 * zero-padded. Both TLS certificates are in it, so a man in the middle shows different codes.
 *
 * @example
 * pairingCode({ pairingId, gatewayCertificate, interfaceCertificate, gatewayNonce, interfaceNonce, name, meterId, userId }) // '042917'
 */
export function pairingCode(transcript: PairingTranscript): string {
  const digest = createHash('sha256').update(PairingCodeLayout.encode(transcript)).digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** A code as a person typed it ("042 917", "042-917") to its six digits, or undefined. */
export function normalizeCode(typed: string): string | undefined {
  const digits = typed.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

/** Compares two codes without leaking where they differ. */
export function sameCode(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** How a code is shown: two groups of three, easier to compare aloud. */
export function formatCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
