// The reliability campaigns in a small configuration: every figure with a rule must hold, except the
// library defects the campaigns found, listed here with the change each needs (see reports/reliability.md).
import { describe, expect, it } from "vitest";
import { holds } from "../harness/reliability/campaign.ts";
import { runReliability, TEST } from "../harness/reliability/run.ts";

/**
 * Figures that break their rule because of a known library defect. Each stays checked: a deterministic
 * defect must still show (so its fix updates this list), a racy one is reported but not asserted.
 */
const KNOWN_LIBRARY_DEFECTS: Record<string, { deterministic: boolean; why: string }> = {
  "rows where the caller got something other than expected": {
    deterministic: true,
    why: "openLmdbCache({ path: '/proc/1/cache' }) never returns: Node's recursive mkdir loops on procfs (lib/env.ts prepareDirectory)",
  },
  "new processes that failed to open or read": {
    deterministic: false,
    why: "checkDataFile rejects a data file shorter than (last page + 1) pages, which LMDB allows (pages allocated and freed in one transaction are never written): a false CACHE_CORRUPT at open while others write (lib/data-file.ts)",
  },
  "reopen failures after migration kills": {
    deterministic: false,
    why: "the same false CACHE_CORRUPT after a migration's large transaction, whether or not it was killed (lib/data-file.ts)",
  },
};

describe("reliability campaigns, small configuration", () => {
  it("keeps every figure within its rule", { timeout: 150_000 }, async () => {
    const seed = 20261125;
    const report = await runReliability({ seed, quick: true, settings: TEST, log: () => {} });
    const broken: string[] = [];
    for (const campaign of report.campaigns) {
      for (const figure of campaign.figures) {
        const known = KNOWN_LIBRARY_DEFECTS[figure.name];
        if (known?.deterministic) expect(holds(figure), `${figure.name} was a known defect (${known.why}); it is fixed: remove it from the list`).toBe(false);
        else if (known === undefined && !holds(figure)) broken.push(`${campaign.title}: ${figure.name} = ${figure.value} (${campaign.failures.slice(0, 3).join(" / ")})`);
      }
    }
    expect(broken, `seed ${seed}; replay with pnpm scenario reliability --quick --seed ${seed}`).toEqual([]);
    expect(report.campaigns.map((c) => c.id)).toEqual(["kill-points", "stale-readers", "growth", "corruption", "bad-input", "key-fuzz", "clocks"]);
  });
});
