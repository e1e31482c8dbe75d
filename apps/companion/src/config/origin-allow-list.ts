import { IndiciumError } from '@indicium/protocol';

/** Browsers serialise origins within this length; longer text is not an origin we would allow. */
const MAX_ORIGIN_CHARS = 255;

/**
 * An origin as the install accepts it (DESIGN §4.1): https only, no path, query, fragment or user
 * info, at most 255 characters, written exactly as the browser serialises it (lower-case host,
 * default port omitted), so that the later check is a plain string comparison.
 */
export function normalizeOrigin(text: string): string {
  if (text.length > MAX_ORIGIN_CHARS || !URL.canParse(text)) {
    throw new IndiciumError('INVALID_INPUT', {
      field: 'origin',
      detail: `'${text.slice(0, 64)}' is not an origin`,
    });
  }
  const url = new URL(text);
  if (url.protocol !== 'https:') {
    throw new IndiciumError('INVALID_INPUT', { field: 'origin', detail: 'only https origins are allowed' });
  }
  // URL drops an empty '?' or '#', so look at the text for those too.
  const extras = url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '';
  if (extras || url.pathname !== '/' || /[?#@]/.test(text)) {
    throw new IndiciumError('INVALID_INPUT', {
      field: 'origin',
      detail: 'an origin is scheme, host and port only: no path, query, fragment or user info',
    });
  }
  return url.origin;
}

/**
 * The companion's own check of the page origin the extension forwards (DESIGN §4.1): the exact
 * scheme, host and port must be on the install's allow-list. The extension checked it already; this
 * check stands on its own, since a compromised or foreign extension could forward anything.
 */
export function checkOrigin(origin: unknown, allowList: readonly string[]): string {
  if (typeof origin !== 'string' || origin.length > MAX_ORIGIN_CHARS || !allowList.includes(origin)) {
    throw new IndiciumError('ORIGIN_NOT_ALLOWED', {
      field: 'origin',
      details: { origin: typeof origin === 'string' ? origin.slice(0, MAX_ORIGIN_CHARS) : null },
    });
  }
  // Belt and braces: the allow-list is normalised at install, but a hand-edited config is read too.
  const url = new URL(origin);
  if (url.protocol !== 'https:' || url.origin !== origin) {
    throw new IndiciumError('ORIGIN_NOT_ALLOWED', { field: 'origin', details: { origin } });
  }
  return origin;
}
