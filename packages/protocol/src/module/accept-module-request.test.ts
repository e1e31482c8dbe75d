import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptModuleRequest } from './accept-module-request.js';
import { ModuleRequestSchema } from './module-envelope.js';

describe('acceptModuleRequest', () => {
  const command = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.string({ maxLength: 8 }));
  const request = fc.oneof(
    fc.record({ command }),
    fc.record({ command, body: fc.anything() }),
    fc.record({ command, body: fc.anything(), sealed: fc.anything() }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 3 }),
    fc.anything(),
  );

  it('is never more lenient than ModuleRequestSchema, and agrees on the output', () => {
    fc.assert(
      fc.property(request, (raw) => {
        const accepted = acceptModuleRequest(raw);
        if (accepted !== null) {
          const parsed = ModuleRequestSchema.safeParse(raw);
          expect(parsed.success).toBe(true);
          expect(accepted).toEqual(parsed.data);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a plain command with a body, and leaves sealed requests and bad names to zod', () => {
    expect(acceptModuleRequest({ command: 'create-indicium', body: { a: 1 } })).not.toBeNull();
    expect(acceptModuleRequest({ command: 'get-status' })).not.toBeNull();
    expect(acceptModuleRequest({ command: 'logon', sealed: {} })).toBeNull();
    expect(acceptModuleRequest({ command: 'Logon', body: {} })).toBeNull();
    expect(acceptModuleRequest({ command: 'x', body: 1, extra: 2 })).toBeNull();
    expect(acceptModuleRequest({ body: 1 })).toBeNull();
  });
});
