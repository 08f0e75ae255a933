// Runs the reliability campaigns in turn with one seed and settings, full or quick.
import { runBadInput } from "./bad-input.ts";
import { runBusyWriters } from "./busy-writers.ts";
import { bundleWorkers, type CampaignFindings, type CampaignResult, holds } from "./campaign.ts";
import { runClocks } from "./clocks.ts";
import { runCorruption } from "./corruption.ts";
import { runGrowth } from "./growth.ts";
import { runKeyFuzz } from "./key-fuzz.ts";
import { runKillPoints } from "./kill-points.ts";
import { runLifecycle } from "./lifecycle.ts";
import type { ReliabilityReport } from "./report.ts";
import { runStaleReaders } from "./stale-readers.ts";
import { round } from "../shared/stats.ts";

const MiB = 1024 * 1024;

export const FULL = {
  kill: { kills: 1100, concurrency: 4, killsPerRound: 50, migrationKills: 100, upgradeKills: 100, evictionKills: 100 },
  killFsync: { kills: 300, concurrency: 4, killsPerRound: 50, migrationKills: 0, upgradeKills: 0, evictionKills: 0, durability: "fsync" as const },
  stale: { readers: 500, concurrency: 4, quietKills: 10, quietSeconds: 4 },
  growth: { totalBytes: 1024 * MiB, boundBytes: 16 * MiB },
  busy: { entries: 100_000, writers: 3, rounds: 10, seconds: 3, perBatch: 100 },
  corruption: { damages: 13 * 12 },
  badInput: { openTimeoutMs: 5000 },
  fuzz: { keys: 1_000_000, sample: 50_000 },
  clocks: { skews: [0, 10, 100, 1000], count: 150, gapMs: 10, ttlMs: 1500 },
  lifecycle: { churners: 4, openClosers: 2, writers: 2, readers: 2, churnSeconds: 60, kills: 100, killConcurrency: 4, threads: 4, threadSeconds: 10, aliasRounds: 40 },
};

export const QUICK: typeof FULL = {
  kill: { kills: 46, concurrency: 4, killsPerRound: 20, migrationKills: 6, upgradeKills: 6, evictionKills: 6 },
  killFsync: { kills: 20, concurrency: 4, killsPerRound: 20, migrationKills: 0, upgradeKills: 0, evictionKills: 0, durability: "fsync" },
  stale: { readers: 24, concurrency: 4, quietKills: 4, quietSeconds: 1 },
  growth: { totalBytes: 32 * MiB, boundBytes: 4 * MiB },
  busy: { entries: 100_000, writers: 3, rounds: 2, seconds: 2, perBatch: 100 },
  corruption: { damages: 13 },
  badInput: { openTimeoutMs: 2000 },
  fuzz: { keys: 20_000, sample: 1000 },
  clocks: { skews: [0, 100], count: 40, gapMs: 10, ttlMs: 300 },
  lifecycle: { churners: 4, openClosers: 2, writers: 2, readers: 2, churnSeconds: 15, kills: 24, killConcurrency: 4, threads: 4, threadSeconds: 4, aliasRounds: 10 },
};

/** Small enough for every test run. */
export const TEST: typeof FULL = {
  kill: { kills: 14, concurrency: 4, killsPerRound: 12, migrationKills: 3, upgradeKills: 1, evictionKills: 2 },
  killFsync: { kills: 8, concurrency: 4, killsPerRound: 8, migrationKills: 0, upgradeKills: 0, evictionKills: 0, durability: "fsync" },
  stale: { readers: 8, concurrency: 3, quietKills: 2, quietSeconds: 1 },
  growth: { totalBytes: 16 * MiB, boundBytes: 4 * MiB },
  busy: { entries: 100_000, writers: 3, rounds: 1, seconds: 2, perBatch: 100 },
  corruption: { damages: 13 },
  badInput: { openTimeoutMs: 2000 },
  fuzz: { keys: 5000, sample: 500 },
  clocks: { skews: [0, 100], count: 25, gapMs: 10, ttlMs: 250 },
  lifecycle: { churners: 3, openClosers: 1, writers: 1, readers: 1, churnSeconds: 3, kills: 6, killConcurrency: 3, threads: 3, threadSeconds: 1.5, aliasRounds: 3 },
};

export const CAMPAIGNS = ["kill-points", "kill-points-fsync", "stale-readers", "growth", "busy-writers", "corruption", "bad-input", "key-fuzz", "clocks", "lifecycle"] as const;
export type CampaignId = (typeof CAMPAIGNS)[number];

/** The campaign each group of settings belongs to. */
const CAMPAIGN_OF: Record<keyof typeof FULL, CampaignId> = {
  kill: "kill-points",
  killFsync: "kill-points-fsync",
  stale: "stale-readers",
  growth: "growth",
  busy: "busy-writers",
  corruption: "corruption",
  badInput: "bad-input",
  fuzz: "key-fuzz",
  clocks: "clocks",
  lifecycle: "lifecycle",
};

export async function runReliability(options: {
  seed: number;
  quick: boolean;
  only?: readonly CampaignId[];
  /** Settings other than the full or quick ones (the test suite's smaller run). */
  settings?: typeof FULL;
  log: (line: string) => void;
}): Promise<ReliabilityReport> {
  const settings = options.settings ?? (options.quick ? QUICK : FULL);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const bundles = await bundleWorkers();
  const context = { bundles, seed: options.seed, log: options.log };
  const campaigns: CampaignResult[] = [];
  const want = (id: CampaignId) => options.only === undefined || options.only.includes(id);
  try {
    const steps: [CampaignId, () => Promise<CampaignFindings>][] = [
      ["kill-points", () => runKillPoints(context, settings.kill)],
      ["kill-points-fsync", () => runKillPoints(context, settings.killFsync)],
      ["stale-readers", () => runStaleReaders(context, settings.stale)],
      ["growth", () => runGrowth(context, settings.growth)],
      ["busy-writers", () => runBusyWriters(context, settings.busy)],
      ["corruption", () => runCorruption(context, settings.corruption)],
      ["bad-input", () => runBadInput(context, settings.badInput)],
      ["key-fuzz", () => runKeyFuzz(context, settings.fuzz)],
      ["clocks", () => runClocks(context, settings.clocks)],
      ["lifecycle", () => runLifecycle(context, settings.lifecycle)],
    ];
    for (const [id, run] of steps) {
      if (!want(id)) continue;
      options.log(`${id}: starting`);
      const begun = performance.now();
      const findings = await run();
      const result: CampaignResult = { ...findings, seconds: round((performance.now() - begun) / 1000, 1) };
      campaigns.push(result);
      const broken = result.figures.filter((f) => !holds(f));
      options.log(`${id}: ${result.seconds} s, ${broken.length === 0 ? "every rule holds" : `${broken.length} rules broken: ${broken.map((f) => f.name).join("; ")}`}`);
    }
  } finally {
    bundles.dispose();
  }
  const passed = campaigns.every((c) => c.figures.every(holds));
  return {
    settings: Object.fromEntries(Object.entries(settings).filter(([key]) => want(CAMPAIGN_OF[key as keyof typeof FULL]))),
    seed: options.seed,
    quick: options.quick,
    startedAt,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    verdict: passed ? "passed" : "failed",
    campaigns,
  };
}
