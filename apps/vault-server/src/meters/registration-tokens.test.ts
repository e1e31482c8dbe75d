import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { useStoreDialects } from '../../test/support/store-dialects.js';
import { useStore } from '../store/testing/use-store.js';
import {
  createRegistrationTokens,
  REGISTRATION_TOKEN_LIFETIME_MS,
  registrationTokenHash,
} from './registration-tokens.js';

const METER = '00042-00001-0000001001';
const OTHER = '00042-00001-0000001002';
const grant = { meterId: METER, customerId: 'cust-1', userId: 'alice', mode: 'configure' as const };
const refused = { code: 'ROLE_DENIED' as const, field: 'registrationToken', reason: 'token' };

// In the store on both dialects (issue 8): a token issued on one node is checked on another.
const dialects = useStoreDialects();

describe.each(dialects)('registration tokens on $name', (dialect) => {
  let now = 1_000;
  let harness: Awaited<ReturnType<typeof dialect.harness>> | undefined;
  const s = useStore(async () => {
    now = 1_000;
    harness = await dialect.harness();
    return harness;
  });
  const tokensAt = () => createRegistrationTokens(s.store, () => now);

  it('a token is 32 random bytes (base64url) that grants exactly what was issued, for its meter only', async () => {
    const tokens = tokensAt();
    const { token, expiresAtMs } = await tokens.issue(grant);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(expiresAtMs).toBe(1_000 + REGISTRATION_TOKEN_LIFETIME_MS);
    expect(await tokens.check(token, METER)).toEqual({ ...grant, expiresAtMs });
    await expectIndiciumRejection(() => tokens.check(token, OTHER), refused);
    expect((await tokens.issue(grant)).token).not.toBe(token);
  });

  it('an unknown, consumed or expired token is refused', async () => {
    now = 0;
    const tokens = tokensAt();
    await expectIndiciumRejection(() => tokens.check(Buffer.alloc(32).toString('base64url'), METER), refused);
    const used = (await tokens.issue(grant)).token;
    await tokens.consume(used, METER);
    await expectIndiciumRejection(() => tokens.check(used, METER), refused);
    await expectIndiciumRejection(() => tokens.consume(used, METER), refused);
    const old = (await tokens.issue(grant)).token;
    now = REGISTRATION_TOKEN_LIFETIME_MS - 1;
    expect((await tokens.check(old, METER)).userId).toBe('alice');
    now = REGISTRATION_TOKEN_LIFETIME_MS;
    await expectIndiciumRejection(() => tokens.check(old, METER), refused);
  });

  it('another service on the same database (another node) honours the token, once', async () => {
    const nodeA = tokensAt();
    const nodeB = createRegistrationTokens(s.store, () => now);
    const { token } = await nodeA.issue(grant);
    expect((await nodeB.check(token, METER)).customerId).toBe('cust-1');
    await nodeB.consume(token, METER);
    await expectIndiciumRejection(() => nodeA.check(token, METER), refused);
    await expectIndiciumRejection(() => nodeA.consume(token, METER), refused);
  });

  it('the database holds the SHA-256 of a token, never the token: a reader of the row cannot register', async () => {
    const { token } = await tokensAt().issue(grant);
    if (harness === undefined) throw new Error('no harness');
    const rows = await harness.query<Record<string, unknown>>('SELECT * FROM registration_tokens');
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    const stored = new Uint8Array(row.token_hash as Uint8Array);
    expect(stored).toEqual(new Uint8Array(createHash('sha256').update(token).digest()));
    expect(stored).toEqual(registrationTokenHash(token));
    // Neither the token's text nor its 32 random bytes appear in any column.
    const tokenBytes = Buffer.from(token, 'base64url');
    for (const value of Object.values(row)) {
      const asBytes = Buffer.isBuffer(value) || value instanceof Uint8Array ? Buffer.from(value) : null;
      if (asBytes !== null) {
        expect(asBytes.includes(tokenBytes)).toBe(false);
        expect(asBytes.includes(Buffer.from(token))).toBe(false);
      } else expect(String(value)).not.toContain(token);
    }
    expect(row).toMatchObject({
      meter_id: METER,
      customer_id: 'cust-1',
      user_id: 'alice',
      mode: 'configure',
    });
  });
});
