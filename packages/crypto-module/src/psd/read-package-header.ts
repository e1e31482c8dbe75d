import type { PsdState } from '@indicium/protocol';
import { splitPackage } from './package/package-codec.js';

/** The clear header of a sealed PSD package: what the host may know without a module. */
export interface PsdPackageHeader {
  readonly meterId: string;
  readonly packageVersion: number;
  /** The MKS version the package's key tokens and MAC key are under (DESIGN §3.4). */
  readonly mksVersion: number;
  readonly state: PsdState;
}

/**
 * Reads the clear header of a sealed PSD package (README "PSD package format"): meter id, package
 * version, MKS version and PSD state — so the host can tell which packages a rollover still has to
 * translate (DESIGN §3.4) without opening them. It READS, it does not VERIFY: the header is covered
 * by the package MAC, which only a module holding the MKS can check, so a forged header passes
 * here and is refused by the module (PACKAGE_INTEGRITY) at its next command. Never decide
 * anything value-bearing from it. A package that is not even well-formed is refused here with
 * PACKAGE_INTEGRITY (field `package`).
 *
 * @example
 * const { meterId, mksVersion } = readPackageHeader(Buffer.from(record.bytes));
 */
export function readPackageHeader(bytes: Uint8Array): PsdPackageHeader {
  const { header } = splitPackage(bytes);
  return {
    meterId: header.meterId,
    packageVersion: header.packageVersion,
    mksVersion: header.mksVersion,
    state: header.state,
  };
}
