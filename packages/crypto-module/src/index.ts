/**
 * @indicium/crypto-module — the software cryptographic module of DESIGN §2 and §3.
 * Entry point: `CryptoModule.boot(...)` then `module.dispatch(request)`. See README.md and
 * ARCHITECTURE.md.
 */
export {
  type AuditProblem,
  type AuditProblemKind,
  type AuditVerification,
  verifyAuditChain,
} from './audit/verify-audit-chain.js';
export type {
  AuditRule,
  CommandAuth,
  CommandRole,
  CommandSpec,
  TransitionSpec,
} from './commands/command-spec.js';
export { COMMAND_TABLE, type CommandTable } from './commands/command-table.js';
export { type AccessFacts, isAllowed, refusalFor } from './commands/is-allowed.js';
export { renderCommandTable } from './commands/render-command-table.js';
export { transition } from './commands/transition.js';
export { type ModulePort, OfficerClient, type OfficerClientOptions } from './host/officer-client.js';
export { verifyStatus } from './host/verify-status.js';
export * from './mks/index.js';
export { CryptoModule, type CryptoModuleOptions } from './module/crypto-module.js';
export { FileNvmStore, type FileNvmStoreOptions } from './nvm/file-nvm-store.js';
export { MemoryNvmStore } from './nvm/memory-nvm-store.js';
export type { NvmStore } from './nvm/nvm-store.js';
export * from './psd/index.js';
export { bootState } from './state/boot-state.js';
