import { formatMills, type Medium } from '@indicium/protocol';
import { MEDIUM_LABELS } from '../settings/print-settings.js';

/** FIM-D facing mark (DESIGN §5): bars where the pattern has a 1. */
export const FIM_D = '111010111';

export interface PreviewPiece {
  readonly medium: Medium;
  readonly meterId: string;
  readonly sender: readonly string[];
  readonly recipient: readonly string[];
  readonly postageMills: number | null;
  readonly rateCategory: string | null;
  readonly mailingDate: string;
  readonly originZip: string;
}

/**
 * An on-page rendering of the printed layout (DESIGN §5, §8: preview before printing). The
 * companion renders the real Data Matrix only after the vault issues the indicium, so the preview
 * shows where it goes and the human-readable text it will carry — SAMPLE marking included.
 */
export function PrintPreview(props: { readonly piece: PreviewPiece }) {
  const { piece } = props;
  return (
    <figure className="preview">
      <div className={`sheet sheet-${piece.medium}`} data-testid="print-preview">
        {piece.medium === 'envelope-10' ? (
          <svg className="fim" viewBox="0 0 18 20" role="img" aria-label="FIM-D facing mark">
            {[...FIM_D].map((bit, index) =>
              bit === '1' ? (
                <rect key={String(index)} x={index * 2} y={0} width={1} height={20} fill="#000" />
              ) : null,
            )}
          </svg>
        ) : null}
        <address className="sender">
          {piece.sender.map((line) => (
            <span key={line}>{line}</span>
          ))}
        </address>
        <div className="indicium-box">
          <svg
            className="matrix"
            viewBox="0 0 10 10"
            role="img"
            aria-label="Data Matrix (made when printing)"
          >
            <rect x={0} y={0} width={1} height={10} fill="#000" />
            <rect x={0} y={9} width={10} height={1} fill="#000" />
            {[0, 2, 4, 6, 8].map((x) => (
              <rect key={`t${x}`} x={x} y={0} width={1} height={1} fill="#000" />
            ))}
            {[1, 3, 5, 7, 9].map((y) => (
              <rect key={`r${y}`} x={9} y={y} width={1} height={1} fill="#000" />
            ))}
          </svg>
          <p className="sample-mark">SAMPLE – NOT VALID POSTAGE</p>
          <p>{piece.postageMills === null ? '—' : formatMills(piece.postageMills)}</p>
          <p>{piece.mailingDate}</p>
          <p>From ZIP {piece.originZip || '—'}</p>
          <p>{piece.meterId || '—'}</p>
          <p>{piece.rateCategory ?? '—'}</p>
        </div>
        <address className="recipient">
          {piece.recipient.map((line) => (
            <span key={line}>{line}</span>
          ))}
        </address>
      </div>
      <figcaption>Preview on a {MEDIUM_LABELS[piece.medium]}</figcaption>
    </figure>
  );
}
