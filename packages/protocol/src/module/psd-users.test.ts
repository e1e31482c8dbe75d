import { describe, expect, it } from 'vitest';
import { decodeCanonical } from '../canonical/canonical-encoding.js';
import { type PsdUserView, PsdUserViewLayout, psdUserAdminAnswerBytes } from './psd-users.js';

const alice: PsdUserView = {
  userId: 'alice',
  role: 'customer-admin',
  privileges: ['create-indicia', 'status'],
  maximumTotalMills: null,
  totalMills: 730,
  expiresAt: null,
  registered: true,
  locked: false,
};
const answer = {
  meterId: '00042-00001-0000001001',
  userId: 'alice',
  clientChallenge: new Uint8Array(32).fill(1),
  moduleChallenge: new Uint8Array(32).fill(2),
  action: 'list' as const,
  users: [alice, { ...alice, userId: 'bob', role: 'user' as const, registered: false }],
};

describe('user administration answer MAC input', () => {
  it('encodes each user with PsdUserViewLayout, in list order', () => {
    const { values } = decodeCanonical(psdUserAdminAnswerBytes(answer));
    const users = values[5];
    expect(users?.type).toBe('list');
    if (users?.type !== 'list') return;
    expect(users.items.map((v) => (v.type === 'bytes' ? Array.from(v.value) : null))).toEqual(
      answer.users.map((u) => Array.from(PsdUserViewLayout.encode(u))),
    );
  });

  it('changes with every field of every user, and with their order', () => {
    const base = Buffer.from(psdUserAdminAnswerBytes(answer));
    const variants: PsdUserView[] = [
      { ...alice, role: 'user' },
      { ...alice, privileges: ['status'] },
      { ...alice, maximumTotalMills: 1 },
      { ...alice, totalMills: 731 },
      { ...alice, expiresAt: '2027-01-01T00:00:00.000Z' },
      { ...alice, registered: false },
      { ...alice, locked: true },
    ];
    for (const user of variants) {
      const other = Buffer.from(
        psdUserAdminAnswerBytes({ ...answer, users: [user, ...answer.users.slice(1)] }),
      );
      expect(other.equals(base)).toBe(false);
    }
    const reversed = Buffer.from(psdUserAdminAnswerBytes({ ...answer, users: [...answer.users].reverse() }));
    expect(reversed.equals(base)).toBe(false);
  });
});
