// Campaign 6: processes whose clocks disagree. A writer with the true clock sets values with a TTL; a
// reader whose clock is off by the skew and a reader with the true clock poll them around their
// expiry. Reported per skew: the longest a value was served past its expiry, and how many values some
// reader found missing before their expiry (a reader whose clock runs ahead also deletes them early,
// for everyone: lazy expiry deletes what its own clock calls expired).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WALL_TOLERANCE_MS, wallNow } from "../shared/clock.ts";
import { atMost, type CampaignContext, type CampaignFindings, zero } from "./campaign.ts";
import { runChild } from "../shared/child.ts";
import { round } from "../shared/stats.ts";

export type ClockSettings = { skews: number[]; count: number; gapMs: number; ttlMs: number };

type ReaderResult = { reads: number; keys: number; maxLateMs: number; early: number; maxEarlyMs: number };

export async function runClocks(context: CampaignContext, settings: ClockSettings): Promise<CampaignFindings> {
  const failures: string[] = [];
  const rows: (string | number)[][] = [];
  const figures: CampaignFindings["figures"] = [];
  for (const skew of settings.skews) {
    for (const direction of skew === 0 ? [0] : [-1, 1]) {
      const dir = mkdtempSync(join(tmpdir(), "reliability-clock-"));
      try {
        const base = { path: join(dir, "cache"), startAt: wallNow() + 800, gapMs: settings.gapMs, count: settings.count, ttlMs: settings.ttlMs, windowMs: skew + 100 };
        const script = context.bundles.script("skew-process");
        // A reader behind runs alone: a true-clock reader would delete each value at its expiry and hide
        // how long the late one serves it. A reader ahead runs beside a true one, which sees its early deletes.
        const none = Promise.resolve({ result: { reads: 0, keys: 0, maxLateMs: 0, early: 0, maxEarlyMs: 0 }, stderr: "" });
        const [writer, skewed, trueReader] = await Promise.all([
          runChild<{ written: number }>(script, { ...base, role: "writer", offsetMs: 0 }),
          runChild<ReaderResult>(script, { ...base, role: "reader", offsetMs: direction * skew }),
          direction < 0 ? none : runChild<ReaderResult>(script, { ...base, role: "reader", offsetMs: 0 }),
        ]);
        if (writer.result === undefined || skewed.result === undefined || trueReader.result === undefined) {
          failures.push(`skew ${skew}: a process failed: ${[writer, skewed, trueReader].map((r) => r.stderr.slice(-200)).join(" | ")}`);
          continue;
        }
        const late = Math.max(skewed.result.maxLateMs, trueReader.result.maxLateMs, 0);
        const earlyKeys = Math.max(skewed.result.early, trueReader.result.early);
        const label = skew === 0 ? "none" : direction < 0 ? `reader's clock ${skew} ms behind` : `reader's clock ${skew} ms ahead`;
        const alone = direction < 0 ? "-" : null;
        rows.push([skew, label, writer.result.written, round(Math.max(skewed.result.maxLateMs, 0)), alone ?? round(Math.max(trueReader.result.maxLateMs, 0)), skewed.result.early, alone ?? trueReader.result.early, round(Math.max(skewed.result.maxEarlyMs, trueReader.result.maxEarlyMs))]);
        if (skew === 0) {
          figures.push({ name: "clocks agree: longest served past expiry", value: round(late), unit: "ms", rule: atMost(WALL_TOLERANCE_MS) });
          figures.push({ name: "clocks agree: early expiries", value: earlyKeys, rule: zero });
        } else {
          figures.push({ name: `skew ${skew} ms (${direction < 0 ? "behind" : "ahead"}): longest served past expiry`, value: round(late), unit: "ms" });
          figures.push({ name: `skew ${skew} ms (${direction < 0 ? "behind" : "ahead"}): early expiries`, value: earlyKeys });
        }
        context.log(`clocks: skew ${skew} (${label}): ${round(late)} ms late at most, ${earlyKeys} early`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return {
    id: "clocks",
    title: "Clocks",
    figures,
    tables: [
      {
        title: `Clock skew: ${settings.count} values with a ${settings.ttlMs} ms TTL, one every ${settings.gapMs} ms, polled around their expiry`,
        columns: ["skew (ms)", "whose clock", "values", "skewed reader: longest served past expiry (ms)", "true reader: longest served past expiry (ms)", "skewed reader: early expiries", "true reader: early expiries", "earliest expiry before time (ms)"],
        rows,
      },
    ],
    notes: [
      `Expiry is written by the writer's clock (now + TTL) and judged by each reader's clock, so a reader whose clock is behind by s serves a value up to s ms past its expiry, and one whose clock is ahead by s finds it expired up to s ms early and deletes it (lazy expiry), so that every process then misses it. Past-expiry times are measured on the true wall clock against the latest time the value could have expired (write completion + TTL), early ones against the earliest (write start + TTL); ${WALL_TOLERANCE_MS} ms is allowed for the processes' own wall clocks.`,
    ],
    failures,
  };
}
