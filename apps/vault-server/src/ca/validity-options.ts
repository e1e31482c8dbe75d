import { IndiciumError } from '@indicium/protocol';
import type { ValidityPeriod } from './validity-period.js';

/** When a new certificate is valid. Both ends are optional; each issuer has its own default lifetime. */
export interface ValidityOptions {
  /** Start of validity. Default: now less `CLOCK_SKEW_MS`. */
  readonly notBefore?: Date;
  /** End of validity. Default: now plus the issuer's default lifetime. */
  readonly notAfter?: Date;
  /** The issuer's idea of now (tests and ceremonies set it). Default: the system clock. */
  readonly now?: Date;
}

export interface Lifetime {
  readonly years?: number;
  readonly days?: number;
}

/**
 * How far a default notBefore is backdated: a client or vault node whose clock runs a little
 * behind must not see a certificate issued a moment ago as "not yet valid".
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

function checkDate(value: Date, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new IndiciumError('INVALID_FIELD', { field, detail: 'Expected a valid date.' });
  }
}

/** Adds calendar years and days in UTC, so "10 years" ends on the same day of the year. */
export function addLifetime(from: Date, lifetime: Lifetime): Date {
  const end = new Date(from.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + (lifetime.years ?? 0));
  end.setUTCDate(end.getUTCDate() + (lifetime.days ?? 0));
  return end;
}

/**
 * Resolves the validity period of a certificate to issue. Refuses (`INVALID_FIELD`) an invalid
 * date or a period that ends before it starts: such a certificate could never be used.
 */
export function resolveValidity(options: ValidityOptions, lifetime: Lifetime): ValidityPeriod {
  const now = options.now ?? new Date();
  checkDate(now, 'now');
  const notBefore = options.notBefore ?? new Date(now.getTime() - CLOCK_SKEW_MS);
  checkDate(notBefore, 'notBefore');
  const notAfter = options.notAfter ?? addLifetime(now, lifetime);
  checkDate(notAfter, 'notAfter');
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'notAfter',
      detail: 'The validity period must end after it starts.',
    });
  }
  return { notBefore, notAfter };
}
