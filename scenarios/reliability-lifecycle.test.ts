// The lifecycle campaign in the test suite's small configuration: every figure with a rule must hold.
import { describe, expect, it } from "vitest";
import { holds } from "../harness/reliability/campaign.ts";
import { runReliability, TEST } from "../harness/reliability/campaigns.ts";

describe("lifecycle campaign, small configuration", () => {
  it("keeps every figure within its rule", { timeout: 120_000 }, async () => {
    const seed = 20261125;
    const report = await runReliability({ seed, quick: true, only: ["lifecycle"], settings: TEST, log: () => {} });
    const [campaign] = report.campaigns;
    expect(campaign?.id).toBe("lifecycle");
    const broken = campaign!.figures.filter((figure) => !holds(figure)).map((figure) => `${figure.name} = ${figure.value}`);
    expect(broken, `seed ${seed}; replay with pnpm scenario reliability --quick --only lifecycle --seed ${seed}\n${campaign!.failures.slice(0, 12).join("\n")}`).toEqual([]);
  });
});
