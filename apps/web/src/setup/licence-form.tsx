import type { IndiciumError } from '@indicium/protocol';
import { type FormEvent, useState } from 'react';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { useServices } from '../app/services.js';
import { TextField } from '../app/text-field.js';

/**
 * Apply for a meter licence (DESIGN §6 provider: licences): the licensing ZIP is the origin ZIP every
 * indicium of the meter carries. The sample provider approves at once and assigns a fresh meter.
 */
export function LicenceForm(props: { readonly onLicensed: () => Promise<void> }) {
  const { vault } = useServices();
  const [zip, setZip] = useState('');
  const [error, setError] = useState<IndiciumError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await vault.applyLicence(zip.trim());
      await props.onLicensed();
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-busy={busy} aria-labelledby="licence-heading">
      <h2 id="licence-heading">Apply for a meter licence</h2>
      <p>Your account has no meter yet. A licence gives you one.</p>
      <TextField
        label="Licensing ZIP"
        name="licensingZip"
        value={zip}
        onChange={setZip}
        required
        hint="The ZIP of the post office where you mail: 12345 or 12345-6789."
        invalid={error !== null}
      />
      <ErrorNotice error={error} />
      <button type="submit" disabled={busy}>
        Apply for a licence
      </button>
    </form>
  );
}
