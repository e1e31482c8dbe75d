import type { MeterSummary } from '@indicium/protocol';

/**
 * How this computer joins a meter (DESIGN §4.2; §3.3): a meter assigned to the customer but not yet
 * configured is configured by its first registration; a meter in password reset completes the reset;
 * any other live meter gains a user.
 */
export function registrationModeFor(meter: Pick<MeterSummary, 'state'>): 'configure' | 'add-user' | 'reset' {
  if (meter.state === 'assigned') return 'configure';
  if (meter.state === 'pwreset') return 'reset';
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
