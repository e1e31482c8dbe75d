/** Percentiles of a latency sample, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/**
 * Nearest-rank percentiles (the smallest sample with at least p % of the samples at or below it):
 * no interpolation, so a reported p99 is a latency some request really had.
 *
 * @example
 * summarize([5, 1, 3]).p50Ms; // 3
 */
export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samplesMs).sort();
  const rank = (p: number) =>
    sorted.length === 0 ? Number.NaN : (sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
  const total = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50Ms: rank(50),
    p95Ms: rank(95),
    p99Ms: rank(99),
    maxMs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? 0),
    meanMs: sorted.length === 0 ? Number.NaN : total / sorted.length,
  };
}
