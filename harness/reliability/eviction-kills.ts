// Kill points inside eviction: a writer opens a cache bounded by BOUND bytes with eviction "lru" and
// writes new keys of a fixed size far past the bound, so that nearly every put waits for an eviction,
// and is SIGKILLed at a seeded random point: by a thread of its own or by the parent after a number of
// acknowledged writes. Afterwards the cache must open; every entry left must be whole and what was
// written under its key; the recency records must match one for one and be counted exactly; the most
// recently acknowledged entries, which no "lru" eviction may choose, must all be there; and the reopened
// cache must go on evicting within its bound.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CampaignContext } from "./campaign.ts";
import { runChild, startChild } from "../shared/child.ts";
import { evictKey, type KillWriterJob } from "./kill-plan.ts";
import { seededRng } from "../shared/rng.ts";
import type { KillVerified } from "./workers/kill-verify.ts";

export const BOUND = 1024 * 1024;
export const VALUE_BYTES = 1000;
/**
 * The most recent acknowledged entries that must survive. An eviction stops at the low-water mark, 90%
 * of the bound less the put, measured in pages in use (docs/eviction.md), and deletes the least
 * recently used first; with only new keys written, those are the oldest. LMDB splits a full leaf page
 * in the middle, so the leaf pages of keys written in order are at least about half full, and the
 * recency records and branch pages take pages too: at the mark the pages hold some 40% of a bound of
 * values (at least 405 entries of 1000 bytes were measured, docs/reliability.md). A quarter leaves
 * room for over-eviction: a transaction of deletes stops only once its bytes reach what was over.
 */
export const KEPT = Math.floor((0.25 * BOUND) / VALUE_BYTES);
const NS = "e";
/** The writes a writer makes before a kill may land: one and a half bounds, then it evicts on every put (kill-writer.ts). */
const EVICTING_FROM = Math.ceil((1.5 * BOUND) / VALUE_BYTES);

export type EvictionKills = {
  kills: number;
  /** Of them, by the writer's own thread (the others by the parent). */
  byThread: number;
  /** Kills that the killer sampled while this writer held the write lock: inside a put's or an eviction's transaction. */
  held: number;
  checked: number;
  /** The fewest most recent acknowledged entries found all present after a kill: the margin over KEPT. */
  fewestRecentKept: number;
  lost: string[];
  torn: string[];
  reopenFailures: string[];
  recencyProblems: string[];
  indexProblems: string[];
  /** Reopened caches that held more than their bound after a quarter of a bound more was written. */
  overBound: string[];
  failures: string[];
};

export async function runEvictionKills(context: CampaignContext, kills: number): Promise<EvictionKills> {
  const result: EvictionKills = { kills: 0, byThread: 0, held: 0, checked: 0, fewestRecentKept: Infinity, lost: [], torn: [], reopenFailures: [], recencyProblems: [], indexProblems: [], overBound: [], failures: [] };
  if (kills === 0) return result;
  const rng = seededRng(context.seed ^ 0x65766963);
  const dir = mkdtempSync(join(tmpdir(), "reliability-evict-"));
  try {
    for (let k = 0; k < kills; k++) {
      const path = join(dir, `trial${k}`);
      const byThread = k % 2 === 0;
      const job: KillWriterJob = { path, mode: "evict", ns: NS, seed: context.seed + k, valueBytes: VALUE_BYTES, boundBytes: BOUND };
      if (byThread) job.killAfterUs = rng.int(0, 300_000);
      const killAfterAcks = rng.int(EVICTING_FROM, 4 * EVICTING_FROM);
      let last = -1;
      let killed = false;
      let held = false;
      const child = startChild(context.bundles.script("kill-writer"), job, (line) => {
        const [tag, a, b] = line.split(" ");
        if (tag === "a") {
          last = Math.max(last, Number(a));
          if (!byThread && !killed && last + 1 >= killAfterAcks) {
            killed = true;
            child.kill();
          }
        } else if (tag === "k") {
          killed = true;
          held = b === "1";
        }
      });
      const exit = await child.exited;
      if (exit.signal !== "SIGKILL" || !killed) {
        result.failures.push(`evicting writer ${k} ended with ${exit.signal ?? `exit ${exit.exitCode}`}: ${exit.stderr.slice(-300)}`);
        continue;
      }
      result.kills++;
      if (byThread) result.byThread++;
      if (held) result.held++;
      if (last + 1 < EVICTING_FROM) result.failures.push(`evicting writer ${k} was killed after ${last + 1} writes, before it passed the bound`);

      const out = join(dir, "dump.json");
      const verify = await runChild<KillVerified>(context.bundles.script("kill-verify"), { path, namespaces: [NS], out, evict: { boundBytes: BOUND, valueBytes: VALUE_BYTES } });
      const found = verify.result;
      if (found?.opened !== true) {
        result.reopenFailures.push(`eviction kill ${k}: ${found?.code ?? verify.signal ?? verify.exitCode} ${found?.message ?? verify.stderr.slice(-300)}`);
        continue;
      }
      const at = `eviction kill ${k} (${byThread ? "thread" : "parent"}, last ack ${last})`;
      result.indexProblems.push(...(found.indexProblems ?? []).map((problem) => `${at}: ${problem}`));
      result.recencyProblems.push(...(found.recencyProblems ?? []).map((problem) => `${at}: ${problem}`));
      if (found.counted !== found.walked) result.recencyProblems.push(`${at}: stats() counts ${found.counted} entries, a walk found ${found.walked}`);
      if ((found.bytesAfter ?? Infinity) > BOUND) result.overBound.push(`${at}: ${found.bytesAfter} bytes in use after a quarter of a bound more`);

      const entries = new Map((JSON.parse(readFileSync(out, "utf8")) as Record<string, [string, unknown][]>)[NS] ?? []);
      for (const [key, value] of entries) {
        const { n, pad } = value as { n?: unknown; pad?: unknown };
        // The write in flight at the kill may be there, whole; nothing later can be.
        const whole = typeof n === "number" && n <= last + 1 && key === evictKey(n) && pad === "v".repeat(VALUE_BYTES);
        if (!whole) result.torn.push(`${at}: ${key} holds ${JSON.stringify(value).slice(0, 80)}`);
      }
      let recent = 0;
      while (recent <= last && entries.has(evictKey(last - recent))) recent++;
      result.fewestRecentKept = Math.min(result.fewestRecentKept, recent);
      for (let n = Math.max(0, last - KEPT + 1); n <= last; n++) {
        result.checked++;
        if (!entries.has(evictKey(n))) result.lost.push(`${at}: ${evictKey(n)} (${entries.size} entries held)`);
      }
      rmSync(path, { recursive: true, force: true });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
