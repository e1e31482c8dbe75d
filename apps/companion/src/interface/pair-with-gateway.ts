import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  GATEWAY_PATHS,
  type GatewayUser,
  IndiciumError,
  PairingNonceAnswerSchema,
  PairingStartAnswerSchema,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import { pairingCode, pairingCommitment } from '../gateway/pairing-code.js';
import { certificateFingerprint, type TlsIdentity } from '../gateway/tls-identity.js';
import { certificatePem, type GatewayAddress, postToGateway } from './gateway-client.js';

export interface PairingOffer {
  readonly pairingId: string;
  /** The code this machine shows; the gateway shows its own, and the person compares them. */
  readonly code: string;
  /** The gateway certificate to pin, once the person confirmed the codes match. */
  readonly gateway: { readonly fingerprint: string; readonly certPem: string };
}

/**
 * The interface's side of pairing (DESIGN §9), numeric comparison as password managers pair a
 * browser with their desktop app: (1) ask to pair and get the gateway's commitment to its nonce;
 * (2) reveal this machine's nonce, get the gateway's, check it against the commitment; both sides
 * then hash the same transcript — both TLS certificates as each saw them, both nonces, the machine
 * name and the meter user — into a six-digit code. Nothing is pinned or stored here: the caller
 * pins `gateway` only after the person confirmed that the gateway shows the same code.
 */
export async function pairWithGateway(options: {
  readonly address: GatewayAddress;
  readonly identity: TlsIdentity;
  readonly name: string;
  readonly user: GatewayUser;
  readonly timeoutMs: number;
}): Promise<PairingOffer> {
  const { address, identity, timeoutMs } = options;
  const start = await postToGateway(
    address,
    identity,
    null,
    GATEWAY_PATHS.pairingStart,
    { protocol: PROTOCOL_VERSION, name: options.name, user: options.user },
    PairingStartAnswerSchema,
    timeoutMs,
  );
  const pairingId = start.answer.pairingId;
  const interfaceNonce = randomBytes(32);
  const opened = await postToGateway(
    address,
    identity,
    null,
    GATEWAY_PATHS.pairingNonce,
    { protocol: PROTOCOL_VERSION, pairingId, interfaceNonce: interfaceNonce.toString('base64') },
    PairingNonceAnswerSchema,
    timeoutMs,
  );
  const gatewayCertificate = start.gatewayCertificate;
  if (
    gatewayCertificate.length === 0 ||
    !Buffer.from(gatewayCertificate).equals(Buffer.from(opened.gatewayCertificate))
  ) {
    throw new IndiciumError('CERTIFICATE_INVALID', {
      field: 'tls',
      detail: 'the gateway showed another certificate between the two pairing steps',
    });
  }
  const gatewayNonce = Buffer.from(opened.answer.gatewayNonce, 'base64');
  const committed = Buffer.from(start.answer.gatewayCommitment, 'base64');
  if (!timingSafeEqual(Buffer.from(pairingCommitment(pairingId, gatewayNonce)), committed)) {
    throw new IndiciumError('PAIRING_CODE_WRONG', {
      field: 'gatewayNonce',
      detail: 'the gateway nonce does not open its commitment',
    });
  }
  const code = pairingCode({
    pairingId,
    gatewayCertificate,
    interfaceCertificate: identity.certDer,
    gatewayNonce,
    interfaceNonce,
    name: options.name,
    meterId: options.user.meterId,
    userId: options.user.userId,
  });
  return {
    pairingId,
    code,
    gateway: {
      fingerprint: certificateFingerprint(gatewayCertificate),
      certPem: certificatePem(gatewayCertificate),
    },
  };
}
