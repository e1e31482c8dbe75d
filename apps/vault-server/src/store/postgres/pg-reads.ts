import type pg from 'pg';
import {
  type AccountRow,
  type AuditRow,
  type CertificateRow,
  type CustomerRow,
  type IndiciumRow,
  type LedgerRow,
  type LicenceRow,
  type MeterUserRow,
  type ModuleRow,
  type PackageRow,
  type ProviderMessageRow,
  type RegistrationTokenRow,
  type SessionRow,
  type StockRow,
  toAccount,
  toAudit,
  toCertificate,
  toCustomer,
  toIndicium,
  toLedger,
  toLicence,
  toMeterUser,
  toModule,
  toPackage,
  toProviderMessage,
  toRegistrationToken,
  toSession,
  toStock,
} from '../sqlite/sqlite-rows.js';
import type { Store } from '../store.js';
import { parseStoreInput } from '../store-fields.js';
import {
  AuditPageSchema,
  IndiciumPageSchema,
  LoginFailureCountSchema,
  NonceInputSchema,
  NowSchema,
  PackagePageSchema,
  RequestMacSchema,
  TokenHashSchema,
} from '../store-inputs.js';
import { LEDGER_KINDS, type LedgerKind } from '../store-records.js';
import { pgRow, pgRows } from './pg-query.js';

/**
 * The read side of the PostgreSQL store, on the read pool (never the writer's connection): each
 * read is one statement and sees whole committed batches only, its own node's and every other
 * node's. Same inputs, checks and answers as `createSqliteReads`.
 */
export function createPgReads(db: pg.Pool, ensureOpen: () => void) {
  const one = async <R extends pg.QueryResultRow, T>(
    name: Parameters<typeof pgRow>[1],
    values: readonly unknown[],
    map: (r: R) => T,
  ): Promise<T | null> => {
    ensureOpen();
    const row = await pgRow<R>(db, name, values);
    return row === undefined ? null : map(row);
  };
  const all = async <R extends pg.QueryResultRow, T>(
    name: Parameters<typeof pgRow>[1],
    values: readonly unknown[],
    map: (r: R) => T,
  ): Promise<T[]> => {
    ensureOpen();
    return (await pgRows<R>(db, name, values)).map(map);
  };

  return {
    async findIndiciumByRequestMac(requestMac: Uint8Array) {
      ensureOpen();
      const mac = parseStoreInput(RequestMacSchema, requestMac, 'requestMac');
      return one<IndiciumRow, ReturnType<typeof toIndicium>>('indiciumByMac', [mac], toIndicium);
    },
    packages: {
      get: (meterId: string) =>
        one<PackageRow, ReturnType<typeof toPackage>>('packageGet', [meterId], toPackage),
      listByCustomer: (customerId: string) =>
        all<PackageRow, ReturnType<typeof toPackage>>('packagesByCustomer', [customerId], toPackage),
      async list(input: Parameters<Store['packages']['list']>[0]) {
        ensureOpen();
        const { limit, after } = parseStoreInput(PackagePageSchema, input, 'page');
        // '' sorts before every meter id: no cursor is the first page.
        return (await pgRows<PackageRow>(db, 'packagesPage', [after ?? '', limit])).map(toPackage);
      },
    },
    modules: {
      get: (moduleId: string) =>
        one<ModuleRow, ReturnType<typeof toModule>>('moduleGet', [moduleId], toModule),
      list: () => all<ModuleRow, ReturnType<typeof toModule>>('moduleList', [], toModule),
    },
    indicia: {
      get: (indiciumId: string) =>
        one<IndiciumRow, ReturnType<typeof toIndicium>>('indiciumGet', [indiciumId], toIndicium),
      async listByMeter(meterId: string, input: Parameters<Store['indicia']['listByMeter']>[1]) {
        ensureOpen();
        const { limit, before } = parseStoreInput(IndiciumPageSchema, input, 'page');
        // One row more than asked says whether there is a next page.
        const rows =
          before === undefined
            ? await pgRows<IndiciumRow>(db, 'indiciaFirstPage', [meterId, limit + 1])
            : await pgRows<IndiciumRow>(db, 'indiciaPageBefore', [
                meterId,
                before.createdAtMs,
                before.indiciumId,
                limit + 1,
              ]);
        const items = rows.slice(0, limit).map(toIndicium);
        const last = items.at(-1);
        const nextCursor =
          rows.length > limit && last !== undefined
            ? { createdAtMs: last.createdAtMs, indiciumId: last.indiciumId }
            : null;
        return { items, nextCursor };
      },
    },
    audit: {
      async listByModule(moduleId: string, input: Parameters<Store['audit']['listByModule']>[1]) {
        ensureOpen();
        const { fromSequence, limit } = parseStoreInput(AuditPageSchema, input, 'page');
        return (await pgRows<AuditRow>(db, 'auditPage', [moduleId, fromSequence, limit])).map(toAudit);
      },
      latest: (moduleId: string) =>
        one<AuditRow, ReturnType<typeof toAudit>>('auditLatest', [moduleId], toAudit),
      moduleIds: () => all<{ module_id: string }, string>('auditModules', [], (r) => r.module_id),
    },
    customers: {
      get: (customerId: string) =>
        one<CustomerRow, ReturnType<typeof toCustomer>>('customerGet', [customerId], toCustomer),
    },
    accounts: {
      findByEmail: (email: string) =>
        one<AccountRow, ReturnType<typeof toAccount>>('accountByEmail', [email.toLowerCase()], toAccount),
      getByCustomer: (customerId: string) =>
        one<AccountRow, ReturnType<typeof toAccount>>('accountByCustomer', [customerId], toAccount),
    },
    sessions: {
      async find(idHash: Uint8Array, nowMs: number) {
        ensureOpen();
        const now = parseStoreInput(NowSchema, nowMs, 'nowMs');
        return one<SessionRow, ReturnType<typeof toSession>>('sessionFind', [idHash, now], toSession);
      },
    },
    registrationTokens: {
      async find(tokenHash: Uint8Array, meterId: string, nowMs: number) {
        ensureOpen();
        const hash = parseStoreInput(TokenHashSchema, tokenHash, 'tokenHash');
        const now = parseStoreInput(NowSchema, nowMs, 'nowMs');
        return one<RegistrationTokenRow, ReturnType<typeof toRegistrationToken>>(
          'registrationTokenFind',
          [hash, meterId, now],
          toRegistrationToken,
        );
      },
    },
    loginFailures: {
      async count(query: Parameters<Store['loginFailures']['count']>[0]) {
        ensureOpen();
        const q = parseStoreInput(LoginFailureCountSchema, query, 'query');
        const times = await pgRows<{ failed_at_ms: number }>(db, 'loginFailureTimes', [
          q.kind,
          q.keyHash,
          q.sinceMs,
          q.limit,
        ]);
        return { count: times.length, oldestMs: times.at(-1)?.failed_at_ms ?? null };
      },
    },
    licences: {
      get: (licenceId: string) =>
        one<LicenceRow, ReturnType<typeof toLicence>>('licenceGet', [licenceId], toLicence),
      listByCustomer: (customerId: string) =>
        all<LicenceRow, ReturnType<typeof toLicence>>('licencesByCustomer', [customerId], toLicence),
    },
    ledger: {
      listByCustomer: (customerId: string) =>
        all<LedgerRow, ReturnType<typeof toLedger>>('ledgerByCustomer', [customerId], toLedger),
      async totals(customerId: string) {
        ensureOpen();
        const totals = Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0])) as Record<LedgerKind, number>;
        const rows = await pgRows<{ kind: string; total: number }>(db, 'ledgerTotals', [customerId]);
        for (const r of rows) totals[r.kind as LedgerKind] = r.total;
        return totals;
      },
    },
    certificates: {
      get: (serial: number) =>
        one<CertificateRow, ReturnType<typeof toCertificate>>('certificateGet', [serial], toCertificate),
      listByMeter: (meterId: string) =>
        all<CertificateRow, ReturnType<typeof toCertificate>>(
          'certificatesByMeter',
          [meterId],
          toCertificate,
        ),
    },
    providerMessages: {
      async findByNonce(nonce: Uint8Array) {
        ensureOpen();
        const n = parseStoreInput(NonceInputSchema, nonce, 'nonce');
        return one<ProviderMessageRow, ReturnType<typeof toProviderMessage>>(
          'providerMessageByNonce',
          [n],
          toProviderMessage,
        );
      },
      listByMeter: (meterId: string) =>
        all<ProviderMessageRow, ReturnType<typeof toProviderMessage>>(
          'providerMessagesByMeter',
          [meterId],
          toProviderMessage,
        ),
    },
    meterUsers: {
      get: (meterId: string, userId: string) =>
        one<MeterUserRow, ReturnType<typeof toMeterUser>>('meterUserGet', [meterId, userId], toMeterUser),
      listByMeter: (meterId: string) =>
        all<MeterUserRow, ReturnType<typeof toMeterUser>>('meterUsersByMeter', [meterId], toMeterUser),
      listByCustomer: (customerId: string) =>
        all<MeterUserRow, ReturnType<typeof toMeterUser>>('meterUsersByCustomer', [customerId], toMeterUser),
    },
    meterStock: {
      async available() {
        ensureOpen();
        return (await pgRow<{ n: number }>(db, 'stockAvailable', []))?.n ?? 0;
      },
      get: (meterId: string) => one<StockRow, ReturnType<typeof toStock>>('stockGet', [meterId], toStock),
    },
  };
}
