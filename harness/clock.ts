// Time as the harness measures it. Every process on the machine reads the same wall clock, derived
// per process as performance.timeOrigin + performance.now(); histories are ordered on it.

/**
 * How far apart two processes' wall clocks may be while histories are still ordered on them.
 * Two operations count as ordered only when one completed more than this before the other began;
 * closer than that they count as concurrent, which can hide a violation but never invent one.
 * Every run measures the real disagreement (see clockOffset) and fails if it exceeds this.
 */
export const CLOCK_TOLERANCE_MS = 1;

/** Wall clock in epoch milliseconds with sub-millisecond resolution. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** CLOCK_MONOTONIC in milliseconds: one clock for all processes on the machine. */
export function monotonicNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * This process's wall clock minus the machine's monotonic clock. The wall clock is fixed at process start
 * (timeOrigin), so this is constant per process, and its spread across processes is exactly how far their
 * wall clocks disagree. Sampled a few times, keeping the tightest bracket.
 */
export function clockOffset(): number {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 16; i++) {
    const before = monotonicNow();
    const wall = wallNow();
    const after = monotonicNow();
    if (after - before < best) {
      best = after - before;
      offset = wall - (before + after) / 2;
    }
  }
  return offset;
}
