import {
  formatMills,
  type IndiciumError,
  type Medium,
  type PageCallAnswer,
  type PageCallRequest,
  type ProgressStage,
} from '@indicium/protocol';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { AppLink } from '../app/app-link.js';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { SelectField, TextField } from '../app/text-field.js';
import { useMeters } from '../app/use-meters.js';
import { quotePostage } from '../rates/quote-postage.js';
import { SAMPLE_RATES_2026 } from '../rates/sample-rates-2026.js';
import { loadPrintSettings, MEDIUM_LABELS } from '../settings/print-settings.js';
import { buildPrintRequest, type PrintForm } from './build-print-request.js';
import { base64ToHex, localIsoDate } from './bytes-hex.js';
import { PrintPreview } from './print-preview.js';

const STAGES: readonly ProgressStage[] = ['challenge', 'issuing', 'verifying', 'rendering', 'printing'];
const STAGE_TEXT: Readonly<Record<ProgressStage, string>> = Object.freeze({
  challenge: 'Talking to the vault…',
  issuing: 'The meter is issuing the indicium…',
  verifying: 'Checking the indicium signature…',
  rendering: 'Drawing the indicium…',
  printing: 'Sending it to the printer…',
});

type Registration = { readonly meterId: string; readonly userId: string };

/**
 * Print postage (DESIGN §4.3, §8): addresses, mail class, weight, mailing date and medium; the
 * price from the sample rate table; a preview; then the companion's `print` call with its progress,
 * and the result. The page never sets the registers and never sees the HMK.
 */
export function PrintPage() {
  const { page } = useServices();
  const { meters, reload } = useMeters();
  const [registrations, setRegistrations] = useState<readonly Registration[] | null>(null);
  const [settings] = useState(() => loadPrintSettings(window.localStorage));
  const [form, setForm] = useState<PrintForm>(() => ({
    meterId: '',
    userId: '',
    fromAddress: '',
    originZip: '',
    toAddress: '',
    destinationZip: '',
    classId: SAMPLE_RATES_2026.classes[0]?.id ?? '',
    ounces: '1',
    mailingDate: localIsoDate(),
    medium: settings.medium,
    printerId: settings.printerId,
  }));
  const [error, setError] = useState<IndiciumError | null>(null);
  const [stage, setStage] = useState<ProgressStage | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PageCallAnswer<'print'> | null>(null);

  const set = (field: keyof PrintForm) => (value: string) => setForm((old) => ({ ...old, [field]: value }));

  useEffect(() => {
    page.call('status', {}).then(
      (status) => {
        setRegistrations(status.registrations);
        const first = status.registrations[0];
        if (first !== undefined)
          setForm((old) =>
            old.meterId === '' ? { ...old, meterId: first.meterId, userId: first.userId } : old,
          );
      },
      (caught: unknown) => setError(asIndiciumError(caught)),
    );
  }, [page]);

  // The origin ZIP is the meter's licensing ZIP when the vault knows it (DESIGN §5 field 26).
  const meter = meters?.find((m) => m.meterId === form.meterId);
  useEffect(() => {
    const zip = meter?.licensingZip;
    if (zip !== undefined && zip !== null)
      setForm((old) => (old.originZip === '' ? { ...old, originZip: zip } : old));
  }, [meter]);

  const quote = useMemo(() => {
    try {
      return quotePostage(SAMPLE_RATES_2026, {
        classId: form.classId,
        ounces: Number(form.ounces),
        medium: form.medium,
        mailingDate: form.mailingDate,
      });
    } catch {
      return null;
    }
  }, [form.classId, form.ounces, form.medium, form.mailingDate]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    let request: PageCallRequest<'print'>;
    try {
      request = buildPrintRequest(form, SAMPLE_RATES_2026);
    } catch (caught) {
      setError(asIndiciumError(caught));
      return;
    }
    setBusy(true);
    setStage(null);
    try {
      setResult(await page.call('print', request, { onProgress: setStage }));
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
      setStage(null);
      await reload();
    }
  };

  const lines = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  const stageIndex = stage === null ? 0 : STAGES.indexOf(stage) + 1;
  const meterOptions = (registrations ?? []).map((r) => ({
    value: `${r.meterId} ${r.userId}`,
    label: `${r.meterId} as ${r.userId}`,
  }));
  return (
    <section>
      <PageHeading>Print postage</PageHeading>
      {registrations !== null && registrations.length === 0 ? (
        <p role="status">
          This computer is not registered yet. <AppLink to="/setup">Open the setup wizard</AppLink>.
        </p>
      ) : null}
      {meter === undefined ? null : (
        <p>
          Balance: <strong data-testid="balance">{formatMills(meter.descendingRegisterMills)}</strong>
        </p>
      )}
      <div className="print-layout">
        <form onSubmit={submit} aria-busy={busy} className="print-form">
          <SelectField
            label="Meter"
            name="meter"
            value={`${form.meterId} ${form.userId}`}
            onChange={(value) => {
              const [meterId = '', userId = ''] = value.split(' ');
              setForm((old) => ({ ...old, meterId, userId }));
            }}
            options={meterOptions}
          />
          <fieldset>
            <legend>From</legend>
            <TextField
              label="Sender address"
              name="fromAddress"
              multiline
              value={form.fromAddress}
              onChange={set('fromAddress')}
              invalid={error?.field === 'fromAddress'}
            />
            <TextField
              label="Origin ZIP"
              name="originZip"
              value={form.originZip}
              onChange={set('originZip')}
              required
              hint="The meter's licensing ZIP: 12345 or 12345-6789."
              invalid={error?.field === 'originZip'}
            />
          </fieldset>
          <fieldset>
            <legend>To</legend>
            <TextField
              label="Recipient address"
              name="toAddress"
              multiline
              value={form.toAddress}
              onChange={set('toAddress')}
              invalid={error?.field === 'toAddress'}
            />
            <TextField
              label="Destination ZIP"
              name="destinationZip"
              value={form.destinationZip}
              onChange={set('destinationZip')}
              hint="Optional."
              invalid={error?.field === 'destinationZip'}
            />
          </fieldset>
          <fieldset>
            <legend>Piece</legend>
            <SelectField
              label="Mail class"
              name="classId"
              value={form.classId}
              onChange={set('classId')}
              options={SAMPLE_RATES_2026.classes.map((c) => ({ value: c.id, label: c.label }))}
              invalid={error?.field === 'mailClass'}
            />
            <TextField
              label="Weight in ounces"
              name="ounces"
              type="number"
              min="0.1"
              step="0.1"
              value={form.ounces}
              onChange={set('ounces')}
              required
              invalid={error?.field === 'weight'}
            />
            <TextField
              label="Mailing date"
              name="mailingDate"
              type="date"
              value={form.mailingDate}
              onChange={set('mailingDate')}
              required
              invalid={error?.field === 'mailingDate'}
            />
            <SelectField
              label="Medium"
              name="medium"
              value={form.medium}
              onChange={set('medium')}
              options={Object.entries(MEDIUM_LABELS).map(([value, label]) => ({ value, label }))}
              invalid={error?.field === 'medium'}
            />
          </fieldset>
          <p className="price" aria-live="polite">
            Postage:{' '}
            <strong data-testid="price">
              {quote === null ? 'not available for this piece' : formatMills(quote.postageMills)}
            </strong>
            {quote === null ? null : ` (rate ${quote.rateCategory}, up to ${quote.stepOunces} oz)`}
          </p>
          <p className="hint">
            {SAMPLE_RATES_2026.name}, effective {SAMPLE_RATES_2026.effectiveDate}.
          </p>
          <ErrorNotice error={error} />
          <button type="submit" disabled={busy || form.meterId === ''}>
            {busy ? 'Printing…' : 'Print postage'}
          </button>
          {busy ? (
            <div role="status" aria-live="polite" className="progress">
              <label htmlFor="print-progress">{stage === null ? 'Starting…' : STAGE_TEXT[stage]}</label>
              <progress id="print-progress" max={STAGES.length} value={stageIndex} />
            </div>
          ) : null}
        </form>
        <PrintPreview
          piece={{
            medium: form.medium as Medium,
            meterId: form.meterId,
            sender: lines(form.fromAddress),
            recipient: lines(form.toAddress),
            postageMills: quote?.postageMills ?? null,
            rateCategory: quote?.rateCategory ?? null,
            mailingDate: form.mailingDate,
            originZip: form.originZip,
          }}
        />
      </div>
      {result === null ? null : <PrintResult result={result} />}
    </section>
  );
}

function PrintResult(props: { readonly result: PageCallAnswer<'print'> }) {
  const { result } = props;
  return (
    <div
      role="status"
      className={`notice ${result.printed ? 'notice-ok' : 'notice-error'}`}
      data-testid="print-result"
    >
      <p className="notice-title">
        {result.printed
          ? `Printed ${formatMills(result.indicium.postageMills)} of postage.`
          : 'The indicium was issued but the printer did not take it. Reprint it from History.'}
      </p>
      <dl>
        <dt>Indicium</dt>
        <dd data-testid="indicium-id">{result.indicium.indiciumId}</dd>
        <dt>New balance</dt>
        <dd data-testid="new-balance">{formatMills(result.descendingRegisterMills)}</dd>
        <dt>Bytes (hex)</dt>
        <dd>
          <code className="hex" data-testid="indicium-hex">
            {base64ToHex(result.indiciumBytes)}
          </code>
        </dd>
      </dl>
    </div>
  );
}
