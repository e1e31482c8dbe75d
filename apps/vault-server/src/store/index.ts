export type {
  AuditWrite,
  CertificateWrite,
  CheckpointWrite,
  CommitUnit,
  IndiciumWrite,
  LedgerWrite,
  MeterUserWrite,
  PackageWrite,
  ProviderMessageWrite,
  StockWrite,
} from './commit-unit.js';
export { createStore, type StoreDependencies } from './create-store.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export { renderMigration, type SqlDialect } from './render-migration.js';
export type { CommitReceipt, IndiciumCursor, IndiciumPage, MeterLocks, Store, StoreStats } from './store.js';
export type { StoreConfig } from './store-config.js';
export * from './store-records.js';
