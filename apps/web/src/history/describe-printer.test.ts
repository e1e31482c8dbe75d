import { describe, expect, it } from 'vitest';
import { describePrinter } from './describe-printer.js';

describe('describePrinter (office view, DESIGN §9)', () => {
  it('names the office printer, the machine a job was returned to, or says it is not printed', () => {
    expect(describePrinter('gateway:cups:FrontDesk')).toBe('Office printer (cups:FrontDesk)');
    expect(describePrinter('interface:bob desk')).toBe('Returned to bob desk');
    expect(describePrinter(null)).toBe('not printed yet');
    expect(describePrinter('cups:Local')).toBe('cups:Local');
  });
});
