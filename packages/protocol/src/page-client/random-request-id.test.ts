import { describe, expect, it } from 'vitest';
import { RequestIdSchema } from '../schemas/primitives.js';
import { randomRequestId } from './random-request-id.js';

describe('randomRequestId', () => {
  it('is 32 lower-case hex digits, valid as a request id, and fresh each time', () => {
    const ids = Array.from({ length: 200 }, () => randomRequestId());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(RequestIdSchema.safeParse(id).success).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
