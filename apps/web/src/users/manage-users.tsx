import {
  formatMills,
  type IndiciumError,
  type PageCallRequest,
  PSD_PRIVILEGES,
  type PsdPrivilege,
  type PsdUserView,
} from '@indicium/protocol';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { useServices } from '../app/services.js';
import { TextField } from '../app/text-field.js';
import {
  type Administrator,
  deleteUserRequest,
  listUsersRequest,
  type UserForm,
  userChangeRequest,
} from './build-users-request.js';

const PRIVILEGE_LABELS: Readonly<Record<PsdPrivilege, string>> = {
  'create-indicia': 'Print postage',
  'reset-password': 'Reset own passphrase',
  status: 'See the meter status',
  'read-public-key': 'Read the meter key',
};

const EMPTY_FORM: UserForm = {
  targetUserId: '',
  privileges: ['create-indicia', 'status'],
  maximumTotal: '',
  expiresOn: '',
};

/**
 * Add / Modify / Delete PSD Users from the web UI (DESIGN §3.3, §9): the page asks this computer's
 * companion, through the extension, with the `users` call; the companion signs each change with the
 * customer administrator's HMK, so the list shown here is the module's MAC-checked answer. The
 * module alone decides who may administer: anyone else gets its PRIVILEGE_DENIED.
 */
export function ManageUsers() {
  const { page } = useServices();
  const [admins, setAdmins] = useState<readonly Administrator[] | null>(null);
  const [admin, setAdmin] = useState<Administrator | null>(null);
  const [users, setUsers] = useState<readonly PsdUserView[] | null>(null);
  const [form, setForm] = useState<UserForm>(EMPTY_FORM);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<IndiciumError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    page.call('status', {}).then(
      (status) => {
        setAdmins(status.registrations);
        setAdmin(status.registrations[0] ?? null);
      },
      (caught: unknown) => setError(asIndiciumError(caught)),
    );
  }, [page]);

  const run = useCallback(
    async (build: () => PageCallRequest<'users'>) => {
      setBusy(true);
      setError(null);
      try {
        // Built inside the try: a field the page can already tell is wrong shows as a refusal.
        setUsers((await page.call('users', build())).users);
        return true;
      } catch (caught) {
        setError(asIndiciumError(caught));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [page],
  );

  if (admins === null) return <ErrorNotice error={error} />;
  if (admin === null) {
    return <p role="status">Register this computer first: its companion signs changes to the users.</p>;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const action = editing ? 'modify' : 'add';
    if (await run(() => userChangeRequest(admin, action, form))) {
      setForm(EMPTY_FORM);
      setEditing(false);
    }
  };
  const edit = (user: PsdUserView) => {
    setEditing(true);
    setForm({
      targetUserId: user.userId,
      privileges: user.privileges,
      maximumTotal: user.maximumTotalMills === null ? '' : (user.maximumTotalMills / 1000).toFixed(3),
      expiresOn: user.expiresAt?.slice(0, 10) ?? '',
    });
  };
  const toggle = (privilege: PsdPrivilege, on: boolean) =>
    setForm((old) => ({
      ...old,
      privileges: on ? [...old.privileges, privilege] : old.privileges.filter((p) => p !== privilege),
    }));

  return (
    <section aria-labelledby="manage-users">
      <h2 id="manage-users">Manage the meter's users</h2>
      {admins.length > 1 ? (
        <label>
          Administer as{' '}
          <select
            value={`${admin.meterId} ${admin.userId}`}
            onChange={(event) => {
              const [meterId = '', userId = ''] = event.target.value.split(' ');
              setAdmin({ meterId, userId });
              setUsers(null);
            }}
          >
            {admins.map((a) => (
              <option key={`${a.meterId} ${a.userId}`} value={`${a.meterId} ${a.userId}`}>
                {a.meterId} as {a.userId}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <p>
        Changes are signed by this computer's companion as <strong>{admin.userId}</strong> on meter{' '}
        {admin.meterId}; it asks for your passphrase if it is locked.
      </p>
      <button type="button" disabled={busy} onClick={() => run(() => listUsersRequest(admin))}>
        Load the users from the meter
      </button>
      {users === null ? null : (
        <table>
          <caption>Users as the meter reports them</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Privileges</th>
              <th scope="col">Printed</th>
              <th scope="col">Maximum total</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.userId}>
                <td>{u.userId}</td>
                <td>
                  {u.role === 'customer-admin' ? 'Administrator; ' : ''}
                  {u.privileges.map((p) => PRIVILEGE_LABELS[p]).join(', ') || 'None'}
                </td>
                <td>{formatMills(u.totalMills)}</td>
                <td>{u.maximumTotalMills === null ? 'No limit' : formatMills(u.maximumTotalMills)}</td>
                <td>{u.expiresAt ?? 'Never'}</td>
                <td>{u.locked ? 'Locked' : u.registered ? 'Registered' : 'Not registered yet'}</td>
                <td>
                  {u.role === 'customer-admin' ? null : (
                    <>
                      <button type="button" disabled={busy} onClick={() => edit(u)}>
                        Change {u.userId}
                      </button>{' '}
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => run(() => deleteUserRequest(admin, u.userId))}
                      >
                        Delete {u.userId}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} aria-busy={busy} aria-label={editing ? 'Change a user' : 'Add a user'}>
        <h3>{editing ? `Change ${form.targetUserId}` : 'Add a user'}</h3>
        <TextField
          label="Meter user id"
          name="targetUserId"
          value={form.targetUserId}
          onChange={(targetUserId) => setForm((old) => ({ ...old, targetUserId }))}
          required
          invalid={error?.field === 'targetUserId'}
        />
        <fieldset>
          <legend>Privileges</legend>
          {PSD_PRIVILEGES.map((p) => (
            <label key={p}>
              <input
                type="checkbox"
                name="privileges"
                value={p}
                checked={form.privileges.includes(p)}
                onChange={(event) => toggle(p, event.target.checked)}
              />{' '}
              {PRIVILEGE_LABELS[p]}
            </label>
          ))}
        </fieldset>
        <TextField
          label="Maximum total (dollars)"
          name="maximumTotal"
          value={form.maximumTotal}
          onChange={(maximumTotal) => setForm((old) => ({ ...old, maximumTotal }))}
          hint="The most postage this user may print in all; empty for no limit."
          invalid={error?.field === 'maximumTotal'}
        />
        <TextField
          label="Access ends on"
          name="expiresOn"
          type="date"
          value={form.expiresOn}
          onChange={(expiresOn) => setForm((old) => ({ ...old, expiresOn }))}
          hint="Empty: the access does not end."
          invalid={error?.field === 'expiresOn'}
        />
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          {editing ? 'Save changes' : 'Add user'}
        </button>
        {editing ? (
          <button
            type="button"
            onClick={() => {
              setEditing(false);
              setForm(EMPTY_FORM);
            }}
          >
            Cancel
          </button>
        ) : null}
      </form>
    </section>
  );
}
