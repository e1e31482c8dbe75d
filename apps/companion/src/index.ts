/**
 * @indicium/companion — the program beside the browser (DESIGN §7): the native-messaging host, the
 * CLI, the local secrets and journal, the renderer and printing. See README.md.
 */
export type { IssuedIndicium, VaultCallContext, VaultClient } from './calls/vault-client.js';
export { type CliIo, runCli } from './cli/companion-cli.js';
export { COMPANION_VERSION } from './companion-version.js';
export { type CompanionConfig, readConfig } from './config/companion-config.js';
export { type CompanionPaths, companionPaths, resolveDataDir } from './config/companion-paths.js';
export { Journal, type PrintOutcome } from './journal/journal.js';
export type { JournalEntry } from './journal/journal-entry.js';
export { type NativeHostOptions, runNativeHost } from './native/run-native-host.js';
export * from './render/index.js';
export type { MeterUserSecrets } from './secrets/meter-user-secrets.js';
export { SecretStore } from './secrets/secret-store.js';
