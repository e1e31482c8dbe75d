import { describe, expect, it } from 'vitest';
import {
  CryptoCardAnswerSchema,
  ModuleOutcomeSchema,
  ModuleSerialSchema,
  OFFICER_PATHS,
  OFFICER_PLAIN_COMMANDS,
  OfficerDispatchRequestSchema,
  PACKAGE_LIST_MAX_SCAN,
  PackageListQuerySchema,
  SetInServiceRequestSchema,
  SetPsdServiceRequestSchema,
  StoreTranslatedPackageRequestSchema,
} from './officer-api.js';

describe('officer API schemas', () => {
  it('module serials are safe path segments', () => {
    for (const ok of ['M0001', 'N0a1b2c3d-M0001', 'TEST-MODULE-0001', 'a'])
      expect(ModuleSerialSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', '../x', 'a/b', '-M1', 'M 1', 'x'.repeat(33), 'M1\n']) {
      expect(ModuleSerialSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('every path sits under /v1/officer', () => {
    for (const path of Object.values(OFFICER_PATHS)) expect(path.startsWith('/v1/officer/')).toBe(true);
  });

  it('only status, session opening, initialization, audit entries and reset travel unsealed', () => {
    expect([...OFFICER_PLAIN_COMMANDS].sort()).toEqual([
      'create-audit-entry',
      'get-status',
      'open-session',
      'reset',
      'start-initialization',
    ]);
  });

  it('a dispatch request is the protocol version and one module request, nothing else', () => {
    const good = { protocol: 1, request: { command: 'get-status', body: {} } };
    expect(OfficerDispatchRequestSchema.safeParse(good).success).toBe(true);
    expect(OfficerDispatchRequestSchema.safeParse({ ...good, protocol: 2 }).success).toBe(false);
    expect(OfficerDispatchRequestSchema.safeParse({ ...good, module: 'M0001' }).success).toBe(false);
    expect(
      OfficerDispatchRequestSchema.safeParse({ protocol: 1, request: { command: 'Get_Status' } }).success,
    ).toBe(false);
  });

  it('outcomes are ok or a coded failure', () => {
    expect(ModuleOutcomeSchema.safeParse({ ok: true, result: { a: 1 } }).success).toBe(true);
    expect(ModuleOutcomeSchema.safeParse({ ok: false, error: { code: 'LOGON_FAILED' } }).success).toBe(true);
    expect(ModuleOutcomeSchema.safeParse({ ok: false, error: { code: 'oops' } }).success).toBe(false);
    expect(ModuleOutcomeSchema.safeParse({ ok: true, stack: 'x' }).success).toBe(false);
  });

  it('in-service and crypto-card bodies are strict', () => {
    expect(SetInServiceRequestSchema.safeParse({ protocol: 1, inService: true }).success).toBe(true);
    expect(SetInServiceRequestSchema.safeParse({ protocol: 1, inService: 'yes' }).success).toBe(false);
    const card = { protocol: 1, tokens: { cardVersion: 1 }, mks: { version: 1, kcv: '0'.repeat(32) } };
    expect(CryptoCardAnswerSchema.safeParse(card).success).toBe(true);
    expect(CryptoCardAnswerSchema.safeParse({ ...card, mks: { version: 1, kcv: 'XYZ' } }).success).toBe(
      false,
    );
  });

  it('a package list page is bounded and its query comes from URL text', () => {
    expect(PackageListQuerySchema.parse({ mksVersion: '2' })).toEqual({ mksVersion: 2, limit: 100 });
    expect(PackageListQuerySchema.parse({})).toEqual({ limit: 100 });
    expect(
      PackageListQuerySchema.parse({ mksVersion: '1', after: '00042-00001-0000001001', limit: '500' }),
    ).toEqual({ mksVersion: 1, after: '00042-00001-0000001001', limit: 500 });
    for (const bad of [
      { mksVersion: '0' },
      { mksVersion: 'one' },
      { mksVersion: '1', limit: String(PACKAGE_LIST_MAX_SCAN + 1) },
      { mksVersion: '1', after: '../x' },
      { mksVersion: '1', extra: '1' },
    ]) {
      expect(PackageListQuerySchema.safeParse(bad).success).toBe(false);
    }
  });

  it('a translated package is stored with its checkpoint and the version it replaces', () => {
    const good = {
      protocol: 1,
      module: 'M0001',
      replacesVersion: 7,
      package: Buffer.alloc(96, 1).toString('base64'),
      checkpoint: Buffer.alloc(96, 2).toString('base64'),
    };
    expect(StoreTranslatedPackageRequestSchema.safeParse(good).success).toBe(true);
    const { checkpoint: _checkpoint, ...noCheckpoint } = good;
    expect(StoreTranslatedPackageRequestSchema.safeParse(noCheckpoint).success).toBe(false);
    expect(StoreTranslatedPackageRequestSchema.safeParse({ ...good, replacesVersion: 0 }).success).toBe(
      false,
    );
    expect(StoreTranslatedPackageRequestSchema.safeParse({ ...good, package: 'not base64!' }).success).toBe(
      false,
    );
    expect(SetPsdServiceRequestSchema.safeParse({ protocol: 1, psdService: false }).success).toBe(true);
    expect(SetPsdServiceRequestSchema.safeParse({ protocol: 1, psdService: 0 }).success).toBe(false);
  });
});
