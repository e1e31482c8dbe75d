/**
 * A printer id from the office gateway's journal (DESIGN §9) as people read it: the office's own
 * printer (`gateway:<printer>`), or the colleague's machine the job was returned to
 * (`interface:<machine>`).
 */
export function describePrinter(printerId: string | null): string {
  if (printerId === null) return 'not printed yet';
  if (printerId.startsWith('gateway:')) return `Office printer (${printerId.slice('gateway:'.length)})`;
  if (printerId.startsWith('interface:')) return `Returned to ${printerId.slice('interface:'.length)}`;
  return printerId;
}
