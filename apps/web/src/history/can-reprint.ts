import type { PageCallAnswer } from '@indicium/protocol';

/**
 * Whether the page offers a reprint: only for a piece that was issued but never reached a printer
 * (DESIGN §7). The companion enforces it again (ALREADY_PRINTED); this only hides a button that
 * could not work.
 */
export function canReprint(item: Pick<PageCallAnswer<'history'>['items'][number], 'status'>): boolean {
  return item.status === 'issued' || item.status === 'print-failed';
}
