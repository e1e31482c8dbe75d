import { parseDeviceId } from '@indicium/protocol';
import type { CertificateAuthority } from './certificate-authority.js';
import { meterSerialHex } from './certificate-serial.js';
import { issueLeafCertificate } from './issue-leaf-certificate.js';
import { type PublicKeyInput, toP256PublicKey } from './p256-public-key.js';
import { KeyUsage } from './read-certificate-extensions.js';
import { resolveValidity, type ValidityOptions } from './validity-options.js';

export interface MeterCertificateRequest extends ValidityOptions {
  /**
   * The indicium's 32-bit certificate serial (DESIGN §5, offset 2), allocated by the caller and
   * unique per postal CA: verifiers fetch the certificate by it (`GET /v1/certificates/{serial}`).
   */
  readonly serial: number;
  /** Device id text, `VVVVV-MMMMM-SSSSSSSSSS` (DESIGN §5); becomes the subject CN. */
  readonly deviceId: string;
  /** The meter's indicium public key from Initialize PSD: KeyObject, SPKI PEM/DER or raw point. */
  readonly publicKey: PublicKeyInput;
}

/** Default meter certificate lifetime. */
export const METER_CERTIFICATE_LIFETIME = Object.freeze({ years: 3 });

/**
 * Issues the X.509 certificate that binds a meter's device id to its indicium signing key, the
 * credential Authorize PSD checks (DESIGN §3.3) and every indicium verifier chains to the postal
 * CA (§4.3, §5). keyUsage is digitalSignature only: a meter key signs indicia, nothing else.
 * Throws `INVALID_FIELD` (field `serial`, `deviceId`, `publicKey`, `notBefore` or `notAfter`).
 *
 * @example
 * const pem = await issueMeterCertificate(postalCa, { serial: 1001, deviceId: '00042-00001-0000001001', publicKey });
 */
export async function issueMeterCertificate(
  ca: CertificateAuthority,
  request: MeterCertificateRequest,
): Promise<string> {
  const serialNumberHex = meterSerialHex(request.serial);
  parseDeviceId(request.deviceId);
  const publicKey = toP256PublicKey(request.publicKey, 'publicKey');
  const now = request.now ?? new Date();
  return issueLeafCertificate(ca, {
    subject: [{ CN: [request.deviceId] }],
    publicKey,
    serialNumberHex,
    validity: resolveValidity({ ...request, now }, METER_CERTIFICATE_LIFETIME),
    now,
    keyUsage: KeyUsage.digitalSignature,
  });
}
