import type { IndiciumError, Medium, PageCallAnswer } from '@indicium/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { SelectField } from '../app/text-field.js';
import { loadPrintSettings, MEDIUM_LABELS, savePrintSettings } from './print-settings.js';

/** Printer and medium settings (DESIGN §8): the companion's printers, kept per browser. */
export function SettingsPage() {
  const { page } = useServices();
  const [settings, setSettings] = useState(() => loadPrintSettings(window.localStorage));
  const [printers, setPrinters] = useState<PageCallAnswer<'printers'>['printers'] | null>(null);
  const [error, setError] = useState<IndiciumError | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    page.call('printers', {}).then(
      (answer) => setPrinters(answer.printers),
      (caught: unknown) => setError(asIndiciumError(caught)),
    );
  }, [page]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    savePrintSettings(window.localStorage, settings);
    setSaved(true);
  };

  const listed = (printers ?? []).map((p) => ({
    value: p.printerId,
    label: `${p.name}${p.isDefault ? ' (default)' : ''}`,
  }));
  // Until the companion answers (or if it no longer lists it), keep the saved printer selectable,
  // so that the select shows what is saved and saving again does not silently change it.
  const savedOption =
    settings.printerId !== '' && !listed.some((o) => o.value === settings.printerId)
      ? [{ value: settings.printerId, label: `${settings.printerId} (saved)` }]
      : [];
  const printerOptions = [{ value: '', label: "The companion's default printer" }, ...listed, ...savedOption];
  return (
    <section>
      <PageHeading>Printer and medium</PageHeading>
      <ErrorNotice error={error} />
      <form onSubmit={submit}>
        <SelectField
          label="Printer"
          name="printerId"
          value={settings.printerId}
          onChange={(printerId) => {
            setSaved(false);
            setSettings((old) => ({ ...old, printerId }));
          }}
          options={printerOptions}
        />
        <SelectField
          label="Default medium"
          name="medium"
          value={settings.medium}
          onChange={(medium) => {
            setSaved(false);
            setSettings((old) => ({ ...old, medium: medium as Medium }));
          }}
          options={Object.entries(MEDIUM_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <button type="submit">Save settings</button>
        <div role="status" aria-live="polite">
          {saved ? <p className="notice notice-ok">Settings saved for this browser.</p> : null}
        </div>
      </form>
    </section>
  );
}
