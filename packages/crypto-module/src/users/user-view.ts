import type { PsdUserView } from '@indicium/protocol';
import type { PsdUser } from '../psd/package/psd-package.js';

/** A user as the Customer Administrator sees them (no secrets, no challenges), DESIGN §3.3 List PSD Users. */
export function userView(user: PsdUser): PsdUserView {
  return {
    userId: user.userId,
    role: user.role,
    privileges: [...user.privileges],
    maximumTotalMills: user.maximumTotalMills,
    totalMills: user.totalMills,
    expiresAt: user.expiresAt === null ? null : new Date(user.expiresAt).toISOString(),
    registered: user.registered,
    locked: user.locked,
  };
}

export function usersView(users: readonly PsdUser[]): PsdUserView[] {
  return [...users].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)).map(userView);
}
