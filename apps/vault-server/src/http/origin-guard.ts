import { IndiciumError } from '@indicium/protocol';
import type { Request } from 'express';

/** Methods that change state and so must come from the vault's own pages (CSRF, DESIGN §6). */
export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The Origin check of the CSRF defence: a browser names the page that sent a request in `Origin`
 * (always on POST) and `Sec-Fetch-Site`. A state-changing request from another site is refused
 * even on public routes, so a hostile page cannot log a visitor into an attacker's account
 * (login CSRF). Programs (the companion) send neither header and pass; `session` routes also
 * demand the token, which only our own pages can read.
 */
export function assertSameOrigin(
  req: Request,
  extraOrigins: readonly string[],
  options: { requireOrigin: boolean },
): void {
  const origin = req.get('origin');
  const fetchSite = req.get('sec-fetch-site');
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new IndiciumError('CSRF_REJECTED', { field: 'origin', details: { reason: 'cross-site' } });
  }
  if (origin === undefined) {
    if (options.requireOrigin) {
      throw new IndiciumError('CSRF_REJECTED', { field: 'origin', details: { reason: 'missing-origin' } });
    }
    return;
  }
  const host = req.get('host');
  const own = host === undefined ? undefined : `https://${host.toLowerCase()}`;
  if (origin.toLowerCase() !== own && !extraOrigins.includes(origin)) {
    throw new IndiciumError('CSRF_REJECTED', { field: 'origin', details: { reason: 'foreign-origin' } });
  }
}
