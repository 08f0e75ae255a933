// The harness's one seeded random source: the same seed replays the same data sets, key sequences,
// kill points and damage.

export type Rng = {
  /** Uniform in [0, 1). */
  readonly next: () => number;
  /** Uniform integer in [0, n). */
  readonly below: (n: number) => number;
  /** Uniform integer in [min, max]. */
  readonly int: (min: number, max: number) => number;
  readonly pick: <T>(items: readonly T[]) => T;
  /** A new array of the items in a uniformly random order (Fisher–Yates, from the last item down). */
  readonly shuffled: <T>(items: readonly T[]) => T[];
};

/** Mixes 32-bit words into one well-spread seed (a murmur3-style finalizer over a running hash). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

/** mulberry32 over a 32-bit state: small, fast, and spread well enough for test and benchmark inputs. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number) => Math.floor(next() * n);
  const int = (min: number, max: number) => min + below(max - min + 1);
  const shuffled = <T>(items: readonly T[]): T[] => {
    const order = [...items];
    for (let i = order.length - 1; i > 0; i--) {
      const j = below(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  };
  return { next, below, int, pick: (items) => items[below(items.length)]!, shuffled };
}

/**
 * Ranks in [0, n) drawn with Zipf's law: rank r with probability proportional to 1 / (r + 1)^s, so
 * rank 0 is the most frequent. Inverts the cumulative distribution by binary search.
 */
export function zipfSampler(rng: Rng, n: number, s = 1): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / (r + 1) ** s;
  return () => {
    const target = rng.next() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! <= target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}
