import { createHash, randomBytes } from 'node:crypto';
import { type AuditEntry, type IndiciumKind, toBase64 } from '@indicium/protocol';
import type { CommitUnit, IndiciumWrite, PackageWrite } from '../commit-unit.js';

/**
 * Well-formed records for store tests (and the crash-test child, so no test runner in here): real ids in the protocol's formats, real audit entries,
 * and bytes made distinct per test so that a test reads back exactly what it wrote.
 */

/** Device id text for meter `n` (DESIGN §5): vendor 00042, model 00001, serial n. */
export const meterId = (n: number): string => `00042-00001-${String(n).padStart(10, '0')}`;

export const sha256 = (text: string): Uint8Array =>
  new Uint8Array(createHash('sha256').update(text).digest());

export function auditEntry(moduleSerial: string, sequence: number, command = 'create-indicium'): AuditEntry {
  return {
    moduleSerial,
    sequence,
    previousHash: toBase64(sha256(`${moduleSerial}/${sequence - 1}`)),
    softwarePart: 'indicium-crypto-module',
    softwareVersion: '0.1.0',
    bootCount: 1,
    command,
    userId: null,
    role: null,
    currentState: 'O',
    persistentState: 'O',
    time: 1_790_000_000_000 + sequence,
    reasonCode: 'OK',
    data: { meterId: meterId(1), sequence: String(sequence) },
    signatureRequired: false,
    signature: null,
  };
}

export function packageWrite(n: number, version: number, replacesVersion: number | null): PackageWrite {
  return {
    meterId: meterId(n),
    customerId: 'customer-1',
    version,
    replacesVersion,
    state: 'leased',
    bytes: sha256(`package ${n} v${version}`),
  };
}

export function indiciumWrite(n: number, id: string, kind: IndiciumKind = 'postage'): IndiciumWrite {
  return {
    indiciumId: id,
    requestMac: sha256(`request ${id}`),
    meterId: meterId(n),
    userId: 'alice',
    kind,
    postageMills: 730,
    ascendingRegisterMills: 730,
    descendingRegisterMills: 99_270,
    pieceCount: 1,
    indicium: sha256(`indicium ${id}`),
    answer: new TextEncoder().encode(`{"answer":"${id}"}`),
  };
}

/** The unit Create Indicium commits: package, checkpoint, audit entry and indicium record (§4.3). */
export function indiciumUnit(
  n: number,
  version: number,
  id: string,
  moduleSerial: string,
  sequence: number,
): CommitUnit {
  return {
    package: packageWrite(n, version, version - 1),
    checkpoint: { moduleId: moduleSerial, checkpoint: sha256(`checkpoint ${moduleSerial} ${sequence}`) },
    auditEntries: [{ moduleId: moduleSerial, entry: auditEntry(moduleSerial, sequence) }],
    indicium: indiciumWrite(n, id),
  };
}

export const randomId = (): string => randomBytes(12).toString('base64url');
