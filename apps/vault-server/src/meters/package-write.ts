import type { PsdRecordsAnswer } from '@indicium/protocol';
import type { PackageWrite } from '../store/commit-unit.js';
import type { PackageRecord } from '../store/store-records.js';

/**
 * The package part of a unit: the module's new package replacing exactly the version the vault
 * read before the command ran (the store refuses a lost update with STALE_PACKAGE, DESIGN §10).
 */
export function packageWrite(
  read: PackageRecord,
  records: PsdRecordsAnswer,
  customerId: string | null = read.customerId,
): PackageWrite {
  return {
    meterId: records.meterId,
    customerId,
    version: records.packageVersion,
    replacesVersion: read.version,
    state: records.state,
    bytes: Buffer.from(records.package, 'base64'),
  };
}
