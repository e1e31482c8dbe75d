import { IndiciumError } from '@indicium/protocol';
import type { z } from 'zod';
import type { CheckedCommitUnit, LedgerWriteSchema } from '../commit-unit.js';
import type {
  AccountCreateSchema,
  CustomerCreateSchema,
  LicenceCreateSchema,
  LicenceTransitionSchema,
  LoginFailureSchema,
  ModuleStatusChangeSchema,
  RegistrationTokenCreateSchema,
  SessionCreateSchema,
} from '../store-inputs.js';
import { LOGIN_FAILURE_SWEEP_ROWS } from '../store-inputs.js';
import { toAccount, toCustomer, toLicence, toModule, toStock } from './sqlite-rows.js';
import type { SqliteStatements } from './sqlite-statements.js';
import { appendLedgerEntry, writeCommitUnit } from './write-commit-unit.js';

/**
 * Every write of the SQLite store as plain data: the main thread checks its input and posts one of
 * these to the writer thread (`sqlite-writer.worker.ts`), which runs it inside the batch's savepoint
 * with `runSqliteWrite`. Inputs are already parsed (zod output), so the writer does not parse again.
 */
export type SqliteWrite =
  | { readonly op: 'commit'; readonly unit: CheckedCommitUnit }
  | {
      readonly op: 'module.setStatus';
      readonly id: string;
      readonly change: z.output<typeof ModuleStatusChangeSchema>;
    }
  | { readonly op: 'customer.create'; readonly customer: z.output<typeof CustomerCreateSchema> }
  | { readonly op: 'account.create'; readonly account: z.output<typeof AccountCreateSchema> }
  | { readonly op: 'session.create'; readonly session: z.output<typeof SessionCreateSchema> }
  | { readonly op: 'session.delete'; readonly idHash: Uint8Array }
  | { readonly op: 'session.deleteExpired'; readonly nowMs: number }
  | { readonly op: 'token.issue'; readonly grant: z.output<typeof RegistrationTokenCreateSchema> }
  | { readonly op: 'token.consume'; readonly tokenHash: Uint8Array; readonly meterId: string }
  | { readonly op: 'loginFailure.record'; readonly failure: z.output<typeof LoginFailureSchema> }
  | { readonly op: 'loginFailure.clearAccount'; readonly accountHash: Uint8Array }
  | { readonly op: 'licence.create'; readonly licence: z.output<typeof LicenceCreateSchema> }
  | {
      readonly op: 'licence.transition';
      readonly id: string;
      readonly change: z.output<typeof LicenceTransitionSchema>;
    }
  | { readonly op: 'ledger.append'; readonly entry: z.output<typeof LedgerWriteSchema> }
  | { readonly op: 'stock.claim'; readonly customerId: string };

/** Runs one write at `nowMs` (the time the caller asked for it); its value goes back to the caller. */
export function runSqliteWrite(s: SqliteStatements, w: SqliteWrite, nowMs: number): unknown {
  switch (w.op) {
    case 'commit':
      return writeCommitUnit(s, w.unit, nowMs);
    case 'module.setStatus':
      s.moduleStatus.run(w.id, w.change.status, w.change.inhibited ? 1 : 0, nowMs);
      return toModule(s.moduleGet.get(w.id) as NonNullable<ReturnType<typeof s.moduleGet.get>>);
    case 'customer.create': {
      const c = w.customer;
      s.customerInsert.run(c.customerId, c.displayName, nowMs);
      return toCustomer({ customer_id: c.customerId, display_name: c.displayName, created_at_ms: nowMs });
    }
    case 'account.create': {
      const a = w.account;
      s.customerInsert.run(a.customerId, a.displayName, nowMs);
      s.accountInsert.run(a.customerId, a.email, a.email.toLowerCase(), a.passwordHash, nowMs);
      return toAccount({
        customer_id: a.customerId,
        email: a.email,
        password_hash: a.passwordHash,
        created_at_ms: nowMs,
      });
    }
    case 'session.create': {
      const x = w.session;
      s.sessionInsert.run(x.idHash, x.customerId, x.csrfTokenHash, x.createdAtMs, x.expiresAtMs);
      return { ...x, idHash: new Uint8Array(x.idHash), csrfTokenHash: new Uint8Array(x.csrfTokenHash) };
    }
    case 'session.delete':
      s.sessionDelete.run(w.idHash);
      return undefined;
    case 'session.deleteExpired':
      return s.sessionDeleteExpired.run(w.nowMs).changes;
    case 'token.issue': {
      const t = w.grant;
      s.registrationTokenDeleteExpired.run(t.createdAtMs);
      s.registrationTokenInsert.run(
        t.tokenHash,
        t.meterId,
        t.customerId,
        t.userId,
        t.mode,
        t.createdAtMs,
        t.expiresAtMs,
      );
      return { ...t, tokenHash: new Uint8Array(t.tokenHash) };
    }
    case 'token.consume':
      return s.registrationTokenConsume.run(w.tokenHash, w.meterId).changes === 1;
    case 'loginFailure.record': {
      const f = w.failure;
      s.loginFailureSweep.run(f.failedAtMs - f.windowMs, LOGIN_FAILURE_SWEEP_ROWS);
      s.loginFailureInsert.run('account', f.accountHash, f.failedAtMs);
      s.loginFailureInsert.run('ip', f.ipHash, f.failedAtMs);
      return undefined;
    }
    case 'loginFailure.clearAccount':
      return s.loginFailureClearAccount.run(w.accountHash).changes;
    case 'licence.create': {
      const l = w.licence;
      s.licenceInsert.run(l.licenceId, l.customerId, l.licensingZip, nowMs, nowMs);
      return toLicence(s.licenceGet.get(l.licenceId) as NonNullable<ReturnType<typeof s.licenceGet.get>>);
    }
    case 'licence.transition': {
      const t = w.change;
      const changed = s.licenceTransition.run(t.to, t.meterId ?? null, nowMs, w.id, t.from).changes;
      const row = s.licenceGet.get(w.id);
      if (row === undefined) throw new IndiciumError('NOT_FOUND', { field: 'licenceId' });
      if (changed !== 1) {
        throw new IndiciumError('WRONG_STATE', {
          field: 'from',
          detail: `the licence is ${row.status}, not ${t.from}`,
          details: { status: row.status },
        });
      }
      return toLicence(row);
    }
    case 'ledger.append':
      return appendLedgerEntry(s, w.entry, nowMs);
    case 'stock.claim': {
      const oldest = s.stockOldest.get();
      if (oldest === undefined) return null;
      s.stockClaim.run(w.customerId, nowMs, oldest.meter_id);
      return toStock({ ...oldest, claimed_by: w.customerId, claimed_at_ms: nowMs });
    }
  }
}
