// Latency histogram with logarithmic buckets (2% wide, 10 ns to 100 s): fixed memory whatever the
// number of operations, so recording latencies does not itself grow the RSS being measured.

const FLOOR_MS = 1e-5;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(1e5 / FLOOR_MS) / LOG_GROWTH) + 1;

/** Counts per bucket index, only the non-empty ones: what crosses the process boundary. */
export type SparseHistogram = { buckets: [number, number][]; count: number; maxMs: number };

export type LatencySummary = { p50Ms: number; p99Ms: number; maxMs: number; count: number };

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private max = 0;

  record(ms: number): void {
    const index = ms <= FLOOR_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / FLOOR_MS) / LOG_GROWTH));
    this.counts[index]!++;
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  get count(): number {
    return this.total;
  }

  /** The upper bound of the bucket holding the q-quantile (0 < q <= 1); the exact maximum for q = 1. */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    if (q >= 1) return this.max;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, FLOOR_MS * GROWTH ** i);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { p50Ms: this.quantile(0.5), p99Ms: this.quantile(0.99), maxMs: this.max, count: this.total };
  }

  toSparse(): SparseHistogram {
    const buckets: [number, number][] = [];
    this.counts.forEach((n, i) => {
      if (n > 0) buckets.push([i, n]);
    });
    return { buckets, count: this.total, maxMs: this.max };
  }

  static merge(parts: readonly SparseHistogram[]): Histogram {
    const out = new Histogram();
    for (const part of parts) {
      for (const [i, n] of part.buckets) out.counts[i]! += n;
      out.total += part.count;
      out.max = Math.max(out.max, part.maxMs);
    }
    return out;
  }
}
