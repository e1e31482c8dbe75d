import { formatMills, type IndiciumError, type PageCallAnswer } from '@indicium/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { AppLink } from '../app/app-link.js';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { SelectField, TextField } from '../app/text-field.js';
import { useMeters } from '../app/use-meters.js';
import { LicenceForm } from './licence-form.js';
import { meterUserIdFromEmail, registrationModeFor } from './registration-mode.js';

/**
 * Register this computer (DESIGN §4.2): the vault issues a one-time registration token to the
 * logged-in customer; the page hands it to the companion's `register` call, which makes the HMK,
 * runs the protocol with the module and keeps the HMK sealed under the passphrase. The passphrase
 * goes to the companion only, never to the vault.
 */
export function RegisterPage() {
  const { vault, page, session } = useServices();
  const { meters, error: metersError, reload } = useMeters();
  const [meterId, setMeterId] = useState('');
  const [userId, setUserId] = useState(() => meterUserIdFromEmail(session?.customer.email ?? ''));
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<IndiciumError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<PageCallAnswer<'register'> | null>(null);
  const [mismatch, setMismatch] = useState(false);

  useEffect(() => {
    if (meterId === '' && meters !== null && meters[0] !== undefined) setMeterId(meters[0].meterId);
  }, [meters, meterId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setMismatch(passphrase !== confirm);
    if (passphrase !== confirm || session === null) return;
    const meter = meters?.find((m) => m.meterId === meterId);
    if (meter === undefined) return;
    setBusy(true);
    try {
      const mode = registrationModeFor(meter);
      const token = await vault.registrationToken(meterId, { mode, userId });
      setDone(
        await page.call('register', {
          mode,
          meterId,
          customerId: session.customer.customerId,
          userId: token.userId,
          registrationToken: token.registrationToken,
          passphrase,
        }),
      );
      setPassphrase('');
      setConfirm('');
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  };

  if (done !== null) {
    return (
      <section>
        <PageHeading>Register this computer</PageHeading>
        <div role="status" className="notice notice-ok">
          <p className="notice-title">
            This computer is registered for meter {done.meterId} as {done.userId}.
          </p>
          <p>Balance on the meter: {formatMills(done.descendingRegisterMills)}.</p>
        </div>
        <p className="actions">
          <AppLink to="/buy">Buy postage</AppLink> <AppLink to="/print">Print postage</AppLink>
        </p>
      </section>
    );
  }

  return (
    <section>
      <PageHeading>Register this computer</PageHeading>
      <ErrorNotice error={metersError} />
      {meters !== null && meters.length === 0 ? <LicenceForm onLicensed={reload} /> : null}
      <form onSubmit={submit} aria-busy={busy}>
        <SelectField
          label="Meter"
          name="meterId"
          value={meterId}
          onChange={setMeterId}
          options={(meters ?? []).map((m) => ({ value: m.meterId, label: `${m.meterId} (${m.state})` }))}
        />
        <TextField
          label="Your meter user id"
          name="userId"
          value={userId}
          onChange={setUserId}
          required
          hint="Lower-case letters, digits, '.', '_' or '-'."
          invalid={error?.field === 'userId'}
        />
        <TextField
          label="Companion passphrase"
          name="passphrase"
          type="password"
          value={passphrase}
          onChange={setPassphrase}
          required
          autoComplete="new-password"
          hint="At least 12 characters. It protects the meter key on this computer; the vault never sees it."
          invalid={error?.field === 'passphrase'}
        />
        <TextField
          label="Passphrase again"
          name="confirm"
          type="password"
          value={confirm}
          onChange={setConfirm}
          required
          autoComplete="new-password"
          invalid={mismatch}
        />
        {mismatch ? (
          <p role="alert" className="notice notice-error">
            The two passphrases differ.
          </p>
        ) : null}
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy || meterId === ''}>
          {busy ? 'Registering…' : 'Register this computer'}
        </button>
      </form>
    </section>
  );
}
