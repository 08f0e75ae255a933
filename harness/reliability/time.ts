// Clocks of the campaigns. Wall clock: epoch ms with sub-millisecond resolution, fixed per process at
// its start; monotonic: CLOCK_MONOTONIC, one clock for every process on the machine.

export const wallNow = (): number => performance.timeOrigin + performance.now();

export const monotonicNow = (): number => Number(process.hrtime.bigint()) / 1e6;

/** How far two processes' wall clocks may disagree (each fixes its origin at start). */
export const WALL_TOLERANCE_MS = 1;
