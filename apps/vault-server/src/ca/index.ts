/**
 * The vault's certificate authorities (DESIGN §2, §5, §6): the sample postal CA that certifies
 * meter keys, and the local development TLS CA for the vault's HTTPS and for mutual TLS.
 */
export {
  type CaFiles,
  caFilePaths,
  loadCertificateAuthority,
  type OpenedCertificateAuthority,
  openCertificateAuthority,
  saveCertificateAuthority,
} from './ca-store.js';
export type { CaStoreProblem } from './ca-store-refused.js';
export { type CertificateAuthority, certificateAuthorityFromPem } from './certificate-authority.js';
export type { CertificateProblem } from './certificate-invalid.js';
export {
  CA_LIFETIME,
  type CreateCertificateAuthorityOptions,
  createCertificateAuthority,
} from './create-certificate-authority.js';
export { createDevelopmentCa, DEVELOPMENT_CA_SUBJECT } from './create-development-ca.js';
export { createPostalCa, POSTAL_CA_SUBJECT } from './create-postal-ca.js';
export { DEVELOPMENT_CA_NAME, type DevTls, type DevTlsOptions, ensureDevTls } from './ensure-dev-tls.js';
export {
  CLIENT_CERTIFICATE_LIFETIME,
  type ClientCertificateRequest,
  issueClientCertificate,
} from './issue-client-certificate.js';
export {
  issueMeterCertificate,
  METER_CERTIFICATE_LIFETIME,
  type MeterCertificateRequest,
} from './issue-meter-certificate.js';
export {
  issueServerCertificate,
  SERVER_CERTIFICATE_LIFETIME,
  type ServerCertificateRequest,
} from './issue-server-certificate.js';
export { openPostalCa, POSTAL_CA_NAME } from './open-postal-ca.js';
export { generateP256KeyPair, type P256KeyPair } from './p256-key-pair.js';
export { type PublicKeyInput, toP256PublicKey } from './p256-public-key.js';
export { DEFAULT_SERVER_NAMES } from './subject-alt-names.js';
export { CLOCK_SKEW_MS, type ValidityOptions } from './validity-options.js';
export type { ValidityPeriod } from './validity-period.js';
export {
  type MeterCertificateExpectations,
  type VerifiedMeterCertificate,
  verifyMeterCertificate,
} from './verify-meter-certificate.js';
