import type { MeterSummary } from '@indicium/protocol';

/**
 * How this computer joins a meter (DESIGN §4.2; §3.3): a meter in password reset completes the
 * reset; a meter with no user yet (fresh from the licence) is configured by its first
 * registration; a meter that has users gains one more.
 */
export function registrationModeFor(
  meter: Pick<MeterSummary, 'state' | 'users'>,
): 'configure' | 'add-user' | 'reset' {
  if (meter.state === 'pwreset') return 'reset';
  if (meter.users.length === 0) return 'configure';
  return 'add-user';
}

/** A meter user id from an e-mail address: the protocol allows a-z, 0-9, '.', '_' and '-'. */
export function meterUserIdFromEmail(email: string): string {
  const local = email.split('@')[0] ?? '';
  const cleaned = local
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
  return cleaned === '' ? 'user' : cleaned;
}
