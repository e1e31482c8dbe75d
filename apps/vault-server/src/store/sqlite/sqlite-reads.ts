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
import {
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
} from './sqlite-rows.js';
import type { SqliteStatements } from './sqlite-statements.js';

/**
 * The read side of the SQLite store. Reads run on the writer's connection between batches: a batch
 * is written inside one synchronous call, so a read sees whole committed batches only. `async`
 * keeps the contract the PostgreSQL store needs (and turns a closed store into a rejection).
 */
export function createSqliteReads(s: SqliteStatements, ensureOpen: () => void) {
  const orNull = <R, T>(row: R | undefined, map: (r: R) => T): T | null =>
    row === undefined ? null : map(row);

  return {
    async findIndiciumByRequestMac(requestMac: Uint8Array) {
      ensureOpen();
      const mac = parseStoreInput(RequestMacSchema, requestMac, 'requestMac');
      return orNull(s.indiciumByMac.get(mac), toIndicium);
    },
    packages: {
      async get(meterId: string) {
        ensureOpen();
        return orNull(s.packageGet.get(meterId), toPackage);
      },
      async listByCustomer(customerId: string) {
        ensureOpen();
        return s.packagesByCustomer.all(customerId).map(toPackage);
      },
      async list(input: Parameters<Store['packages']['list']>[0]) {
        ensureOpen();
        const { limit, after } = parseStoreInput(PackagePageSchema, input, 'page');
        // '' sorts before every meter id: no cursor is the first page.
        return s.packagesPage.all(after ?? '', limit).map(toPackage);
      },
    },
    modules: {
      async get(moduleId: string) {
        ensureOpen();
        return orNull(s.moduleGet.get(moduleId), toModule);
      },
      async list() {
        ensureOpen();
        return s.moduleList.all().map(toModule);
      },
    },
    indicia: {
      async get(indiciumId: string) {
        ensureOpen();
        return orNull(s.indiciumGet.get(indiciumId), toIndicium);
      },
      async listByMeter(meterId: string, input: Parameters<Store['indicia']['listByMeter']>[1]) {
        ensureOpen();
        const { limit, before } = parseStoreInput(IndiciumPageSchema, input, 'page');
        // One row more than asked says whether there is a next page.
        const rows =
          before === undefined
            ? s.indiciaFirstPage.all(meterId, limit + 1)
            : s.indiciaPageBefore.all(
                meterId,
                before.createdAtMs,
                before.createdAtMs,
                before.indiciumId,
                limit + 1,
              );
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
        return s.auditPage.all(moduleId, fromSequence, limit).map(toAudit);
      },
      async latest(moduleId: string) {
        ensureOpen();
        return orNull(s.auditLatest.get(moduleId), toAudit);
      },
      async moduleIds() {
        ensureOpen();
        return s.auditModules.all().map((r) => r.module_id);
      },
    },
    customers: {
      async get(customerId: string) {
        ensureOpen();
        return orNull(s.customerGet.get(customerId), toCustomer);
      },
    },
    accounts: {
      async findByEmail(email: string) {
        ensureOpen();
        return orNull(s.accountByEmail.get(email.toLowerCase()), toAccount);
      },
      async getByCustomer(customerId: string) {
        ensureOpen();
        return orNull(s.accountByCustomer.get(customerId), toAccount);
      },
    },
    sessions: {
      async find(idHash: Uint8Array, nowMs: number) {
        ensureOpen();
        return orNull(s.sessionFind.get(idHash, parseStoreInput(NowSchema, nowMs, 'nowMs')), toSession);
      },
    },
    registrationTokens: {
      async find(tokenHash: Uint8Array, meterId: string, nowMs: number) {
        ensureOpen();
        const hash = parseStoreInput(TokenHashSchema, tokenHash, 'tokenHash');
        const now = parseStoreInput(NowSchema, nowMs, 'nowMs');
        return orNull(s.registrationTokenFind.get(hash, meterId, now), toRegistrationToken);
      },
    },
    loginFailures: {
      async count(query: Parameters<Store['loginFailures']['count']>[0]) {
        ensureOpen();
        const q = parseStoreInput(LoginFailureCountSchema, query, 'query');
        const times = s.loginFailureTimes.all(q.kind, q.keyHash, q.sinceMs, q.limit);
        return { count: times.length, oldestMs: times.at(-1)?.failed_at_ms ?? null };
      },
    },
    licences: {
      async get(licenceId: string) {
        ensureOpen();
        return orNull(s.licenceGet.get(licenceId), toLicence);
      },
      async listByCustomer(customerId: string) {
        ensureOpen();
        return s.licencesByCustomer.all(customerId).map(toLicence);
      },
    },
    ledger: {
      async listByCustomer(customerId: string) {
        ensureOpen();
        return s.ledgerByCustomer.all(customerId).map(toLedger);
      },
      async totals(customerId: string) {
        ensureOpen();
        const totals = Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0])) as Record<LedgerKind, number>;
        for (const r of s.ledgerTotals.all(customerId)) totals[r.kind as LedgerKind] = r.total;
        return totals;
      },
    },
    certificates: {
      async get(serial: number) {
        ensureOpen();
        return orNull(s.certificateGet.get(serial), toCertificate);
      },
      async listByMeter(meterId: string) {
        ensureOpen();
        return s.certificatesByMeter.all(meterId).map(toCertificate);
      },
    },
    providerMessages: {
      async findByNonce(nonce: Uint8Array) {
        ensureOpen();
        return orNull(
          s.providerMessageByNonce.get(parseStoreInput(NonceInputSchema, nonce, 'nonce')),
          toProviderMessage,
        );
      },
      async listByMeter(meterId: string) {
        ensureOpen();
        return s.providerMessagesByMeter.all(meterId).map(toProviderMessage);
      },
    },
    meterUsers: {
      async get(meterId: string, userId: string) {
        ensureOpen();
        return orNull(s.meterUserGet.get(meterId, userId), toMeterUser);
      },
      async listByMeter(meterId: string) {
        ensureOpen();
        return s.meterUsersByMeter.all(meterId).map(toMeterUser);
      },
      async listByCustomer(customerId: string) {
        ensureOpen();
        return s.meterUsersByCustomer.all(customerId).map(toMeterUser);
      },
    },
    meterStock: {
      async available() {
        ensureOpen();
        return s.stockAvailable.get()?.n ?? 0;
      },
      async get(meterId: string) {
        ensureOpen();
        return orNull(s.stockGet.get(meterId), toStock);
      },
    },
  };
}
