import { formatMills, type IndiciumError, type RegistrationTokenAnswer } from '@indicium/protocol';
import { type FormEvent, useState } from 'react';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { TextField } from '../app/text-field.js';
import { useMeters } from '../app/use-meters.js';
import { ManageUsers } from './manage-users.js';

/**
 * Users and permissions (DESIGN §8, §3.3 Add PSD User): the meter's users with their role, limit
 * and expiry as the vault reports them; a customer administrator invites a colleague with a
 * one-time registration token that the colleague's companion redeems (DESIGN §4.2). Only the
 * module grants privileges: the vault refuses a token to anyone not allowed to ask for one. The
 * administrator adds, changes and deletes users through their companion (`ManageUsers`).
 */
export function UsersPage() {
  const { vault } = useServices();
  const { meters, error: metersError } = useMeters();
  const [userId, setUserId] = useState('');
  const [error, setError] = useState<IndiciumError | null>(null);
  const [invite, setInvite] = useState<RegistrationTokenAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const meter = meters?.[0];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (meter === undefined) return;
    setBusy(true);
    setError(null);
    setInvite(null);
    try {
      setInvite(await vault.registrationToken(meter.meterId, { mode: 'add-user', userId }));
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageHeading>Users and permissions</PageHeading>
      <ErrorNotice error={metersError} />
      {(meters ?? []).map((m) => (
        <table key={m.meterId}>
          <caption>Users of meter {m.meterId}</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Maximum total</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {m.users.length === 0 ? (
              <tr>
                <td colSpan={4}>No user registered yet.</td>
              </tr>
            ) : (
              m.users.map((u) => (
                <tr key={u.userId}>
                  <td>{u.userId}</td>
                  <td>{u.role === 'customer-administrator' ? 'Customer administrator' : 'User'}</td>
                  <td>{u.maximumTotalMills === null ? 'No limit' : formatMills(u.maximumTotalMills)}</td>
                  <td>{u.expiresAt ?? 'Never'}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      ))}
      <h2>Invite a user</h2>
      <form onSubmit={submit} aria-busy={busy}>
        <TextField
          label="New meter user id"
          name="userId"
          value={userId}
          onChange={setUserId}
          required
          hint="The colleague registers their own computer with this id and the one-time token."
          invalid={error?.field === 'userId'}
        />
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy || meter === undefined}>
          Create invitation
        </button>
      </form>
      {invite === null ? null : (
        <div role="status" className="notice notice-ok">
          <p className="notice-title">
            Invitation for {invite.userId} on meter {invite.meterId}, valid until {invite.expiresAt}.
          </p>
          <p>
            One-time token: <code>{invite.registrationToken}</code>
          </p>
        </div>
      )}
      <ManageUsers />
    </section>
  );
}
