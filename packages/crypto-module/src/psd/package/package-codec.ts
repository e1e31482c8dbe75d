import { IndiciumError, PSD_PRIVILEGES, PSD_STATES, PSD_USER_ROLES, type PsdState } from '@indicium/protocol';
import { fastEncode, fastEncodeFramed } from './fast-canonical.js';
import { PackageBodyLayout, PackageHeaderLayout, PackageUserLayout } from './package-layouts.js';
import type { PsdPackage, PsdPackageBody, PsdPackageHeader, PsdUser } from './psd-package.js';
import { readLayout } from './read-layout.js';

/**
 * PSD package format, version 1 (README "PSD package format"). Big-endian:
 *
 *   0       4  magic "IPK" 0x01 (the last byte is the format version)
 *   4       2  header length h
 *   6       h  header: PackageHeaderLayout (meter id, package version, MKS version, state, key token)
 *   6+h     4  body length b
 *   10+h    b  body: PackageBodyLayout
 *   10+h+b 32  HMAC-SHA-256 of every byte before it, keyed by the package MAC key
 */
export const PACKAGE_MAGIC = Object.freeze([0x49, 0x50, 0x4b, 0x01] as const);
export const PACKAGE_MAC_LENGTH = 32;
const MIN_LENGTH = 4 + 2 + 4 + PACKAGE_MAC_LENGTH;

function integrity(detail: string): IndiciumError {
  return new IndiciumError('PACKAGE_INTEGRITY', { field: 'package', detail });
}

/** Where the parts of a package are; only the header is decoded (it names the keys to check the MAC). */
export interface PackageParts {
  readonly header: PsdPackageHeader;
  /** Every byte the MAC covers. */
  readonly signed: Uint8Array;
  readonly body: Uint8Array;
  readonly mac: Uint8Array;
}

export function splitPackage(bytes: Uint8Array): PackageParts {
  if (bytes.length < MIN_LENGTH || PACKAGE_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw integrity('not a version 1 PSD package');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint16(4);
  const bodyAt = 6 + headerLength + 4;
  if (bodyAt + PACKAGE_MAC_LENGTH > bytes.length) throw integrity('truncated');
  const bodyLength = view.getUint32(6 + headerLength);
  if (bodyAt + bodyLength + PACKAGE_MAC_LENGTH !== bytes.length) throw integrity('wrong length');
  const raw = readLayout(
    PackageHeaderLayout,
    bytes.subarray(6, 6 + headerLength),
    'PACKAGE_INTEGRITY',
    'package',
  );
  if (!(PSD_STATES as readonly string[]).includes(raw.state)) throw integrity('unknown state');
  return {
    header: { ...raw, state: raw.state as PsdState },
    signed: bytes.subarray(0, bodyAt + bodyLength),
    body: bytes.subarray(bodyAt, bodyAt + bodyLength),
    mac: bytes.subarray(bodyAt + bodyLength),
  };
}

function decodeUser(bytes: Uint8Array): PsdUser {
  const raw = readLayout(PackageUserLayout, bytes, 'PACKAGE_INTEGRITY', 'package');
  if (
    !(PSD_USER_ROLES as readonly string[]).includes(raw.role) ||
    raw.privileges.some((p) => !(PSD_PRIVILEGES as readonly string[]).includes(p))
  ) {
    throw integrity('bad user record');
  }
  return raw as PsdUser;
}

/** Decodes a body whose MAC has been verified. */
export function decodeBody(bytes: Uint8Array): PsdPackageBody {
  const raw = readLayout(PackageBodyLayout, bytes, 'PACKAGE_INTEGRITY', 'package');
  return { ...raw, users: raw.users.map(decodeUser) };
}

function encodeUser(user: PsdUser): Uint8Array {
  return fastEncode(PackageUserLayout, user);
}

/**
 * The bytes the MAC covers: magic, header, body — followed by `macRoom` bytes left for the MAC,
 * which the caller fills (one buffer for the whole package, nothing copied twice).
 */
export function encodeSignedPart(pkg: PsdPackage, macRoom = 0): Buffer {
  const header = fastEncode(PackageHeaderLayout, pkg);
  if (header.length > 0xffff)
    throw new IndiciumError('LIMIT_EXCEEDED', { field: 'package', detail: 'header' });
  const bodyAt = 6 + header.length + 4;
  const out = fastEncodeFramed(
    PackageBodyLayout,
    { ...pkg, users: pkg.users.map(encodeUser) },
    bodyAt,
    macRoom,
  );
  out.set(PACKAGE_MAGIC, 0);
  out.writeUInt16BE(header.length, 4);
  header.copy(out, 6);
  out.writeUInt32BE(out.length - macRoom - bodyAt, 6 + header.length);
  return out;
}
