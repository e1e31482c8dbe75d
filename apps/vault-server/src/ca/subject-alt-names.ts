import { isIP } from 'node:net';
import { IndiciumError } from '@indicium/protocol';

/** The names every development server certificate covers: `https://localhost:8443` (DESIGN §6). */
export const DEFAULT_SERVER_NAMES: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '::1']);

export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
}

// RFC 1123 host names: labels of letters, digits and inner hyphens, at most 63 bytes each, 253 in
// all. No wildcards: a development certificate names the hosts it serves, nothing broader.
const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

function classify(name: string, field: string): { kind: 'dns' | 'ip'; value: string } {
  if (typeof name === 'string') {
    const version = isIP(name);
    // Zone ids and dotted IPv4-in-IPv6 forms have no single canonical SAN encoding: refuse them.
    if (version === 4 || (version === 6 && !name.includes('%') && !name.includes('.'))) {
      return { kind: 'ip', value: name.toLowerCase() };
    }
    const lower = name.toLowerCase();
    if (version === 0 && DNS_NAME.test(lower)) return { kind: 'dns', value: lower };
  }
  throw new IndiciumError('INVALID_FIELD', {
    field,
    detail: 'Each name must be a host name or an IPv4/IPv6 address (no wildcards, no zone ids).',
  });
}

/**
 * Sorts host names and IP addresses into subjectAltName DNS and IP entries, lower-cased and
 * without duplicates, the defaults first. Throws `INVALID_FIELD` naming `field` for a bad name.
 *
 * @example
 * subjectAltNames(['vault.lan']); // { dns: ['localhost', 'vault.lan'], ip: ['127.0.0.1', '::1'] }
 */
export function subjectAltNames(extraNames: readonly string[] = [], field = 'extraNames'): SubjectAltNames {
  const dns = new Set<string>();
  const ip = new Set<string>();
  for (const name of [...DEFAULT_SERVER_NAMES, ...extraNames]) {
    const { kind, value } = classify(name, field);
    (kind === 'dns' ? dns : ip).add(value);
  }
  return { dns: [...dns], ip: [...ip] };
}
