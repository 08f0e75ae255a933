import { readFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";

// Memory as the kernel counts it (/proc/self/status): RssAnon is the process's private memory,
// RssFile the file pages it has mapped (for LMDB, the pages of the data file it touched, which
// are the page cache shared by every process and reclaimable, not private memory).

export type MemoryPeaks = {
  /** VmHWM: the kernel's exact high-water mark of the resident set. */
  peakRssBytes: number;
  /** Highest RssAnon and RssFile seen by sampling (not necessarily at the same moment). */
  peakRssAnonBytes: number;
  peakRssFileBytes: number;
  peakHeapUsedBytes: number;
};

const FIELDS = ["VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem"] as const;
type Field = (typeof FIELDS)[number];

export function readStatus(): Record<Field, number> {
  const text = readFileSync("/proc/self/status", "utf8");
  const out = { VmHWM: 0, VmRSS: 0, RssAnon: 0, RssFile: 0, RssShmem: 0 };
  for (const field of FIELDS) {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    if (match) out[field] = Number(match[1]) * 1024;
  }
  return out;
}

/** Samples memory at most every `intervalMs`; call `maybeSample` from hot loops, it is cheap when not due. */
export class MemorySampler {
  private next = 0;
  readonly peaks: MemoryPeaks = { peakRssBytes: 0, peakRssAnonBytes: 0, peakRssFileBytes: 0, peakHeapUsedBytes: 0 };

  constructor(private readonly intervalMs = 25) {}

  maybeSample(nowMs: number): void {
    if (nowMs >= this.next) this.sample(nowMs);
  }

  sample(nowMs = performance.now()): void {
    this.next = nowMs + this.intervalMs;
    const status = readStatus();
    const heap = getHeapStatistics().used_heap_size;
    const p = this.peaks;
    p.peakRssBytes = Math.max(p.peakRssBytes, status.VmHWM, status.VmRSS);
    p.peakRssAnonBytes = Math.max(p.peakRssAnonBytes, status.RssAnon);
    p.peakRssFileBytes = Math.max(p.peakRssFileBytes, status.RssFile);
    p.peakHeapUsedBytes = Math.max(p.peakHeapUsedBytes, heap);
  }
}
