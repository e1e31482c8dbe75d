import { IndiciumError, OriginSchema } from '@indicium/protocol';

/** The development vault's origin (DESIGN §6: the vault serves `https://localhost:8443`). */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = Object.freeze(['https://localhost:8443']);

/**
 * Reads the build's allow-list (comma-separated). Every entry must be an https origin exactly as
 * the browser serialises it, because the background compares `sender.origin` to it as a string
 * (DESIGN §4.1): `https://Localhost:8443/` would silently never match, so it is refused here.
 */
export function parseAllowedOrigins(text: string | undefined): readonly string[] {
  if (text === undefined || text.trim() === '') return DEFAULT_ALLOWED_ORIGINS;
  const origins = text.split(',').map((entry) => entry.trim());
  for (const origin of origins) {
    if (!OriginSchema.safeParse(origin).success) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'origins',
        detail: `'${origin.slice(0, 64)}' is not an https origin such as https://meter.example`,
      });
    }
  }
  if (new Set(origins).size !== origins.length) {
    throw new IndiciumError('INVALID_INPUT', { field: 'origins', detail: 'an origin is listed twice' });
  }
  return Object.freeze(origins);
}

/**
 * Content-script match patterns for the allow-list. Match patterns cannot name a port, so
 * `https://localhost/*` also injects into `https://localhost:9999`: the content script is only a
 * relay, and the exact origin (port included) is decided by the background worker.
 */
export function contentScriptMatches(origins: readonly string[]): string[] {
  return [...new Set(origins.map((origin) => `https://${new URL(origin).hostname}/*`))];
}
