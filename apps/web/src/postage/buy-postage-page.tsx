import type { IndiciumError } from '@indicium/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { MeterBalance } from '../app/meter-balance.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { SelectField, TextField } from '../app/text-field.js';
import { useMeters } from '../app/use-meters.js';
import { parseDollars } from './parse-dollars.js';

/**
 * Buy postage (DESIGN §4.4, §6): the vault asks the provider for a Value Download into the meter
 * (simulated payment). The page never talks to a module; it only shows the new balance.
 */
export function BuyPostagePage() {
  const { vault } = useServices();
  const { meters, error: metersError, reload } = useMeters();
  const [meterId, setMeterId] = useState('');
  const [amount, setAmount] = useState('20.00');
  const [card, setCard] = useState('4242424242424242');
  const [error, setError] = useState<IndiciumError | null>(null);
  const [busy, setBusy] = useState(false);
  const [bought, setBought] = useState<string | null>(null);

  useEffect(() => {
    if (meterId === '' && meters?.[0] !== undefined) setMeterId(meters[0].meterId);
  }, [meters, meterId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBought(null);
    setBusy(true);
    try {
      const mills = parseDollars(amount, 'amount');
      await vault.purchase(meterId, mills, card.replace(/\s/g, ''));
      await reload();
      setBought(amount);
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  };

  const meter = meters?.find((m) => m.meterId === meterId);
  return (
    <section>
      <PageHeading>Buy postage</PageHeading>
      <ErrorNotice error={metersError} />
      {meter === undefined ? null : <MeterBalance meter={meter} />}
      <form onSubmit={submit} aria-busy={busy}>
        <SelectField
          label="Meter"
          name="meterId"
          value={meterId}
          onChange={setMeterId}
          options={(meters ?? []).map((m) => ({ value: m.meterId, label: m.meterId }))}
        />
        <TextField
          label="Amount in dollars"
          name="amount"
          value={amount}
          onChange={setAmount}
          required
          hint="Sample payment: no card is charged."
          invalid={error?.field === 'amount' || error?.field === 'amountMills'}
        />
        <TextField
          label="Card number (test card)"
          name="cardNumber"
          value={card}
          onChange={setCard}
          required
          autoComplete="off"
          hint="The sample vault takes processor test cards only: 4242 4242 4242 4242 is accepted."
          invalid={error?.field === 'cardNumber'}
        />
        <ErrorNotice error={error} />
        {bought === null ? null : (
          <p role="status" className="notice notice-ok">
            Bought ${bought.replace(/^\$/, '')} of postage.
          </p>
        )}
        <button type="submit" disabled={busy || meterId === ''}>
          {busy ? 'Buying…' : 'Buy postage'}
        </button>
      </form>
    </section>
  );
}
