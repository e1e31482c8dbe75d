/** One point of the concurrency sweep, as the chart draws it. */
export interface SweepPoint {
  readonly concurrency: number;
  readonly indiciaPerSecond: number;
  readonly p99Ms: number;
}

export interface SweepChartOptions {
  readonly title: string;
  /** A dashed throughput line to compare with (the 10 % of raw signing target), or null. */
  readonly targetPerSecond: number | null;
}

const WIDTH = 720;
const HEIGHT = 420;
const PLOT = { left: 80, right: 640, top: 60, bottom: 350 };
const THROUGHPUT_COLOUR = '#1f5fa8';
const P99_COLOUR = '#c0392b';

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `value`. */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const format = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/**
 * The sweep as a self-contained SVG (no script, no external font or style): throughput (left
 * axis, blue) and p99 latency (right axis, red) against concurrency on a log₂ axis, with the
 * target throughput dashed. Written by hand rather than with a charting library: two polylines
 * and four axes are less code than a dependency's configuration.
 *
 * @example
 * await writeFile('sweep.svg', sweepChartSvg(points, { title: 'SQLite, pool 2', targetPerSecond: 800 }));
 */
export function sweepChartSvg(points: readonly SweepPoint[], options: SweepChartOptions): string {
  const sorted = [...points].sort((a, b) => a.concurrency - b.concurrency);
  const xs = sorted.map((p) => Math.log2(Math.max(1, p.concurrency)));
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(xMin + 1, ...xs);
  const yMax = niceCeiling(Math.max(options.targetPerSecond ?? 0, ...sorted.map((p) => p.indiciaPerSecond)));
  const pMax = niceCeiling(Math.max(...sorted.map((p) => p.p99Ms).filter(Number.isFinite), 1));
  const x = (v: number) => PLOT.left + ((v - xMin) / (xMax - xMin)) * (PLOT.right - PLOT.left);
  const yLeft = (v: number) => PLOT.bottom - (v / yMax) * (PLOT.bottom - PLOT.top);
  const yRight = (v: number) => PLOT.bottom - (Math.min(v, pMax) / pMax) * (PLOT.bottom - PLOT.top);
  const line = (ys: readonly number[]) =>
    ys.map((y, i) => `${x(xs[i] ?? 0).toFixed(1)},${y.toFixed(1)}`).join(' ');
  const throughput = sorted.map((p) => yLeft(p.indiciaPerSecond));
  const p99 = sorted.map((p) => yRight(Number.isFinite(p.p99Ms) ? p.p99Ms : pMax));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`,
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="${THROUGHPUT_COLOUR}"/>`,
    `<line x1="${PLOT.right}" y1="${PLOT.top}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="${P99_COLOUR}"/>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const y = PLOT.bottom - (i / 4) * (PLOT.bottom - PLOT.top);
    parts.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${PLOT.left - 6}" y="${y + 4}" text-anchor="end" fill="${THROUGHPUT_COLOUR}">${format((yMax * i) / 4)}</text>`,
      `<text x="${PLOT.right + 6}" y="${y + 4}" fill="${P99_COLOUR}">${format((pMax * i) / 4)}</text>`,
    );
  }
  sorted.forEach((p, i) => {
    const px = x(xs[i] ?? 0);
    parts.push(
      `<text x="${px}" y="${PLOT.bottom + 18}" text-anchor="middle">${p.concurrency}</text>`,
      `<circle cx="${px}" cy="${throughput[i]}" r="4" fill="${THROUGHPUT_COLOUR}"><title>${p.concurrency}: ${format(p.indiciaPerSecond)} indicia/s</title></circle>`,
      `<rect x="${px - 4}" y="${(p99[i] ?? 0) - 4}" width="8" height="8" fill="${P99_COLOUR}"><title>${p.concurrency}: p99 ${format(p.p99Ms)} ms</title></rect>`,
    );
  });
  if (options.targetPerSecond !== null) {
    const ty = yLeft(options.targetPerSecond);
    parts.push(
      `<line x1="${PLOT.left}" y1="${ty}" x2="${PLOT.right}" y2="${ty}" stroke="${THROUGHPUT_COLOUR}" stroke-dasharray="6 4"/>`,
      `<text x="${PLOT.left + 6}" y="${ty - 6}" fill="${THROUGHPUT_COLOUR}">target: 10 % of raw signing (${format(options.targetPerSecond)}/s)</text>`,
    );
  }
  parts.push(
    `<polyline points="${line(throughput)}" fill="none" stroke="${THROUGHPUT_COLOUR}" stroke-width="2"/>`,
    `<polyline points="${line(p99)}" fill="none" stroke="${P99_COLOUR}" stroke-width="2"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 38}" text-anchor="middle">concurrent companions (log scale)</text>`,
    `<text transform="translate(22 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="${THROUGHPUT_COLOUR}">durable indicia per second</text>`,
    `<text transform="translate(${WIDTH - 18} ${(PLOT.top + PLOT.bottom) / 2}) rotate(90)" text-anchor="middle" fill="${P99_COLOUR}">p99 latency (ms)</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
