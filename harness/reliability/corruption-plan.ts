// The cache that the corruption campaign damages: known keys and values, of sizes that fill ordinary
// leaf pages and overflow pages, some with a TTL, so every kind of page is there to damage.

export const BASE_ENTRIES = 3000;

export const baseKey = (i: number) => `k${i}`;

export function baseValue(i: number): unknown {
  if (i % 50 === 0) return { i, blob: "o".repeat(6000 + i) };
  return { i, text: "v".repeat(20 + (i % 300)) };
}

export const baseTtl = (i: number) => (i % 7 === 0 ? 3_600_000 : undefined);

/** Where a damaged open got to: each step either completes or reports how it failed. */
export const SCAN_STEPS = ["open", "get", "entries", "set", "sweep", "close"] as const;
export type ScanStep = (typeof SCAN_STEPS)[number];

export type ScanReport = {
  /** Per step: "ok" or the error's code ("untyped" for an error that is not a CacheError). */
  steps: Partial<Record<ScanStep, string>>;
  /** get results: right value, wrong value (returned without an error), missing, or an error. */
  right: number;
  wrong: number;
  missing: number;
  errors: Record<string, number>;
  entries: number;
};
