import { formatMills, type HistoryItem, type IndiciumError, type PageCallAnswer } from '@indicium/protocol';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { MeterBalance } from '../app/meter-balance.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { TextField } from '../app/text-field.js';
import { useMeters } from '../app/use-meters.js';
import { localIsoDate } from '../print/bytes-hex.js';
import { loadPrintSettings } from '../settings/print-settings.js';
import { canReprint } from './can-reprint.js';
import { describePrinter } from './describe-printer.js';

type JournalItem = PageCallAnswer<'history'>['items'][number];

/**
 * Balance and history (DESIGN §8): each meter's registers and the vault's record of its indicia;
 * this computer's journal from the companion, with a reprint for pieces that never printed; and
 * a refund request, which the provider handles (DESIGN §4.4).
 */
export function HistoryPage() {
  const { vault, page } = useServices();
  const { meters, error: metersError, reload } = useMeters();
  const meter = meters?.[0];
  const [vaultItems, setVaultItems] = useState<readonly HistoryItem[] | null>(null);
  const [journal, setJournal] = useState<readonly JournalItem[] | null>(null);
  const [error, setError] = useState<IndiciumError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [refundDate, setRefundDate] = useState(localIsoDate());

  const load = useCallback(async () => {
    if (meter === undefined) return;
    try {
      setVaultItems((await vault.history(meter.meterId)).items);
    } catch (caught) {
      setError(asIndiciumError(caught));
    }
    try {
      setJournal((await page.call('history', { meterId: meter.meterId, limit: 50 })).items);
    } catch (caught) {
      setError(asIndiciumError(caught));
    }
  }, [meter, vault, page]);

  useEffect(() => {
    void load();
  }, [load]);

  // Through an office gateway (DESIGN §9) the journal says whose piece it is and where it printed.
  const office = journal?.some((item) => item.userId !== undefined) ?? false;

  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await run());
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
      await reload();
      await load();
    }
  };

  const reprint = (item: JournalItem) =>
    act(async () => {
      const settings = loadPrintSettings(window.localStorage);
      await page.call('reprint', {
        indiciumId: item.indiciumId,
        medium: settings.medium,
        printerId: settings.printerId === '' ? null : settings.printerId,
      });
      return `Reprinted indicium ${item.indiciumId}.`;
    });

  const refund = (event: FormEvent) => {
    event.preventDefault();
    if (meter === undefined) return;
    void act(async () => {
      await vault.refund(meter.meterId, refundDate);
      return 'Refund requested. The unused balance goes back to your account.';
    });
  };

  return (
    <section>
      <PageHeading>Balance and history</PageHeading>
      <ErrorNotice error={metersError} />
      {(meters ?? []).map((m) => (
        <MeterBalance key={m.meterId} meter={m} />
      ))}
      <div role="status" aria-live="polite">
        {notice === null ? null : <p className="notice notice-ok">{notice}</p>}
      </div>
      <ErrorNotice error={error} />

      <h2>{office ? 'Printed through the office gateway' : 'Printed on this computer'}</h2>
      {journal === null || journal.length === 0 ? (
        <p>No indicium in this computer's journal.</p>
      ) : (
        <table>
          <caption>
            {office
              ? "Your pieces in the office gateway's journal, newest first"
              : "This computer's journal, newest first"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Indicium</th>
              <th scope="col">Mailing date</th>
              <th scope="col">Postage</th>
              <th scope="col">Status</th>
              {office ? (
                <>
                  <th scope="col">User</th>
                  <th scope="col">Printer</th>
                </>
              ) : null}
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {journal.map((item) => (
              <tr key={item.indiciumId} data-indicium-id={item.indiciumId}>
                <td>
                  <code>{item.indiciumId}</code>
                </td>
                <td>{item.mailingDate}</td>
                <td>{formatMills(item.postageMills)}</td>
                <td>{item.status}</td>
                {office ? (
                  <>
                    <td>{item.userId ?? ''}</td>
                    <td>{describePrinter(item.printerId ?? null)}</td>
                  </>
                ) : null}
                <td>
                  {canReprint(item) ? (
                    <button type="button" disabled={busy} onClick={() => void reprint(item)}>
                      Reprint {item.indiciumId}
                    </button>
                  ) : (
                    'No reprint'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>All indicia of the meter</h2>
      {vaultItems === null || vaultItems.length === 0 ? (
        <p>No indicium recorded by the vault yet.</p>
      ) : (
        <table>
          <caption>The vault's record</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Kind</th>
              <th scope="col">Postage</th>
              <th scope="col">Rate</th>
              <th scope="col">Balance after</th>
            </tr>
          </thead>
          <tbody>
            {vaultItems.map((item) => (
              <tr key={item.indiciumId}>
                <td>{item.createdAt}</td>
                <td>{item.kind}</td>
                <td>{formatMills(item.postageMills)}</td>
                <td>{item.rateCategory}</td>
                <td>{formatMills(item.descendingRegisterMills)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Refund</h2>
      <form onSubmit={refund} aria-busy={busy}>
        <p>
          Ask the provider to refund the meter's unused balance. The meter is then withdrawn and prints no
          more postage.
        </p>
        <div className="field field-check">
          <input id="refund-confirm" name="refundConfirm" type="checkbox" required />
          <label htmlFor="refund-confirm">I understand that the meter will be withdrawn</label>
        </div>
        <TextField
          label="Refund date"
          name="refundDate"
          type="date"
          value={refundDate}
          onChange={setRefundDate}
          required
        />
        <button type="submit" disabled={busy || meter === undefined}>
          Request a refund
        </button>
      </form>
    </section>
  );
}
