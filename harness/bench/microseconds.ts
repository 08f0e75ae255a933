/**
 * Microseconds per call of `fn(i)` for i over a pool of `pool` inputs, timed over a window of
 * `windowMs` after one window of warm-up: for comparisons side by side in one process.
 */
export function microseconds(fn: (i: number) => unknown, pool: number, windowMs = 500): number {
  let result = 0;
  for (let round = 0; round < 2; round++) {
    const started = performance.now();
    let calls = 0;
    while (performance.now() - started < windowMs) {
      for (let i = 0; i < pool; i++) fn(i);
      calls += pool;
    }
    result = ((performance.now() - started) * 1000) / calls;
  }
  return result;
}
