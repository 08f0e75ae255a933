// The reliability campaigns in a small configuration: every figure with a rule must hold.
import { describe, expect, it } from "vitest";
import { holds } from "../harness/reliability/campaign.ts";
import { CAMPAIGNS, runReliability, TEST } from "../harness/reliability/campaigns.ts";

describe("reliability campaigns, small configuration", () => {
  it("keeps every figure within its rule", { timeout: 180_000 }, async () => {
    const seed = 20261125;
    // The lifecycle campaign has a test of its own (reliability-lifecycle.test.ts), run beside this one.
    const only = CAMPAIGNS.filter((id) => id !== "lifecycle");
    const report = await runReliability({ seed, quick: true, only, settings: TEST, log: () => {} });
    const broken: string[] = [];
    for (const campaign of report.campaigns) {
      for (const figure of campaign.figures) {
        if (!holds(figure)) broken.push(`${campaign.title}: ${figure.name} = ${figure.value} (${campaign.failures.slice(0, 3).join(" / ")})`);
      }
    }
    expect(broken, `seed ${seed}; replay with pnpm scenario reliability --quick --seed ${seed}`).toEqual([]);
    expect(report.campaigns.map((c) => c.id)).toEqual(["kill-points", "kill-points-fsync", "stale-readers", "growth", "busy-writers", "corruption", "bad-input", "key-fuzz", "clocks"]);
  });
});
