import type { CommandSpec } from '../commands/command-spec.js';
import { initializeCryptoCardCommand, updateCryptoCardCommand } from './crypto-card-commands.js';
import {
  abortExportCommand,
  createMksSharesCommand,
  exportMksShareCommand,
} from './export-share-commands.js';
import { generateMksCommand } from './generate-mks-command.js';
import {
  combineMksSharesCommand,
  importMksShareCommand,
  startImportingMksCommand,
} from './import-share-commands.js';
import { activateMksCommand, deleteMksCommand, translateTokenCommand } from './mks-lifecycle-commands.js';
import {
  exportTransportPublicKeyCommand,
  generateTransportKeyPairCommand,
} from './transport-key-commands.js';

/** The Master Key Set and crypto-card commands (DESIGN §3.3, §3.4), in ceremony order. */
export const mksCommands: readonly CommandSpec[] = Object.freeze([
  generateMksCommand,
  generateTransportKeyPairCommand,
  exportTransportPublicKeyCommand,
  createMksSharesCommand,
  exportMksShareCommand,
  abortExportCommand,
  startImportingMksCommand,
  importMksShareCommand,
  combineMksSharesCommand,
  activateMksCommand,
  deleteMksCommand,
  translateTokenCommand,
  initializeCryptoCardCommand,
  updateCryptoCardCommand,
]);
