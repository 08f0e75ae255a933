// Time as the harness measures it. Histories are ordered on one clock that every process reads the same
// way: CLOCK_MONOTONIC (one kernel clock for the whole machine) plus an epoch offset that the parent fixes
// for the run, so times read as wall-clock epoch milliseconds. The caches' `now` is that same clock.
//
// Why not each process's own performance.timeOrigin + performance.now()? timeOrigin is sampled once as a
// process starts, and on a loaded machine processes were measured to disagree by milliseconds (2.5 ms among
// 9 processes on 2 cores); ordering on it invented violations. Each process's disagreement is still
// measured (ProcessOutcome.clockOffset) and reported.

/**
 * How far apart two processes' readings of the shared clock may be while histories are still ordered on it.
 * Two operations count as ordered only when one completed more than this before the other began. All
 * processes read the one kernel clock, so the order is exact and the tolerance is 0 (rounding to doubles
 * can make two readings equal, never swap them).
 */
export const CLOCK_TOLERANCE_MS = 0;

/** CLOCK_MONOTONIC in milliseconds: one clock for all processes on the machine. */
export function monotonicNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** This process's own wall clock in epoch milliseconds, with sub-millisecond resolution (fixed to the real time when the process started). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** How far two processes' wall clocks may disagree (each fixes its origin at start). */
export const WALL_TOLERANCE_MS = 1;

/** The shared clock in epoch milliseconds, given the run's epoch offset (see epochOffset). */
export function sharedClock(offset: number): () => number {
  return () => monotonicNow() + offset;
}

/**
 * The wall clock minus the monotonic clock, in this process: the parent's becomes the run's epoch offset,
 * each worker's says how far its own wall clock strays from the shared one. Sampled a few times, keeping
 * the tightest bracket.
 */
export function epochOffset(): number {
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
