/** The PSD part of the module (DESIGN §3.3, §3.6, §4.2–4.4): host-side helpers and the auditor's meter check. */
export { MeterClient, type MeterClientOptions } from './client/meter-client.js';
export { signProviderMessage } from './client/provider-signing.js';
export {
  type ClientSecretsFields,
  encryptClientSecrets,
  verifyConfigureAnswer,
  verifyRegistrationChallenge,
} from './client/registration-client.js';
export {
  signCreateIndiciumRequest,
  signGetChallengeRequest,
  signUserAdminRequest,
  verifyCreateIndiciumAnswer,
  verifyGetChallengeAnswer,
  verifyUserAdminAnswer,
} from './client/user-requests.js';
export { type PsdPackageHeader, readPackageHeader } from './read-package-header.js';
export { PSD_SOFTWARE_ID } from './sign-indicium.js';
export {
  type MeterProblem,
  type MeterProblemKind,
  type MeterRegisterReport,
  type ModuleLog,
  verifyMeterRegisters,
} from './verify-meter-registers.js';
