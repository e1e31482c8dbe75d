import type { CommandSpec } from '../commands/command-spec.js';
import { userAdminCommands } from '../users/user-admin-commands.js';
import { authorizePsdCommand } from './authorize-psd.js';
import { createCorrectionIndiciumCommand, createIndiciumCommand } from './create-indicium.js';
import { getChallengeCommand } from './get-challenge.js';
import { initializePsdCommand } from './initialize-psd.js';
import {
  authorizeCustomerCommand,
  createRefundIndiciumCommand,
  startPasswordResetCommand,
  valueDownloadCommand,
} from './provider-commands.js';
import { registrationChallengeCommand } from './registration-challenge.js';
import {
  completePasswordResetCommand,
  configurePsdCommand,
  registerPsdUserCommand,
} from './registration-commands.js';
import { translatePsdPackageCommand } from './translate-psd-package.js';

/** The PSD commands of DESIGN §3.3 (second table), in a meter's order of life. */
export const psdCommands: readonly CommandSpec[] = Object.freeze([
  initializePsdCommand,
  authorizePsdCommand,
  registrationChallengeCommand,
  configurePsdCommand,
  authorizeCustomerCommand,
  valueDownloadCommand,
  getChallengeCommand,
  createIndiciumCommand,
  createCorrectionIndiciumCommand,
  createRefundIndiciumCommand,
  startPasswordResetCommand,
  completePasswordResetCommand,
  registerPsdUserCommand,
  ...userAdminCommands,
  translatePsdPackageCommand,
]);
