import { formatMills, type MeterSummary } from '@indicium/protocol';

/** A meter's registers as a definition list: the balance is the descending register (DR). */
export function MeterBalance(props: { readonly meter: MeterSummary }) {
  const { meter } = props;
  return (
    <dl className="balance" aria-label={`Meter ${meter.meterId}`}>
      <dt>Meter</dt>
      <dd>{meter.meterId}</dd>
      <dt>Balance</dt>
      <dd data-testid="balance">{formatMills(meter.descendingRegisterMills)}</dd>
      <dt>Postage used</dt>
      <dd>{formatMills(meter.ascendingRegisterMills)}</dd>
      <dt>Pieces</dt>
      <dd>{meter.pieceCount}</dd>
      <dt>State</dt>
      <dd>
        {meter.state}
        {meter.sample ? ' (SAMPLE – not valid postage)' : ''}
      </dd>
    </dl>
  );
}
