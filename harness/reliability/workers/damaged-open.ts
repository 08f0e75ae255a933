// Opens a possibly damaged cache and uses it: every get of the known entries, one full entries() scan,
// a set, a sweep, close. Prints "step <name>" before each step (so a crash shows where it happened)
// and the ScanReport as JSON at the end. "records" mode runs the record-level operations on given keys.
import { isDeepStrictEqual } from "node:util";
import { openLmdbCache } from "../../../lib/index.ts";
import type { Cache } from "../../../lib/types.ts";
import { BASE_ENTRIES, baseKey, baseValue, type ScanReport, type ScanStep } from "../corruption-plan.ts";
import { cacheErrorCode } from "../../shared/error-code.ts";

type Job = { path: string; mode: "scan" | "records" | "open"; key?: string };
const job = JSON.parse(process.argv[2]!) as Job;

async function step(report: ScanReport, name: ScanStep, work: () => Promise<void>): Promise<boolean> {
  console.log(`step ${name}`);
  try {
    await work();
    report.steps[name] = "ok";
    return true;
  } catch (error) {
    report.steps[name] = cacheErrorCode(error);
    return false;
  }
}

if (job.mode === "open") {
  // Only the open: for paths that might hang or crash a process, tried in a child the parent can kill.
  try {
    await (await openLmdbCache({ path: job.path })).close();
    console.log(JSON.stringify({ result: "ok" }));
  } catch (error) {
    console.log(JSON.stringify({ result: cacheErrorCode(error) }));
  }
} else if (job.mode === "scan") {
  const report: ScanReport = { steps: {}, right: 0, wrong: 0, missing: 0, errors: {}, entries: 0 };
  let cache: Cache<unknown> | undefined;
  if (await step(report, "open", async () => void (cache = await openLmdbCache({ path: job.path })))) {
    const open = cache!;
    await step(report, "get", async () => {
      for (let i = 0; i < BASE_ENTRIES; i++) {
        try {
          const value = await open.get(baseKey(i));
          if (value === undefined) report.missing++;
          else if (isDeepStrictEqual(value, baseValue(i))) report.right++;
          else report.wrong++;
        } catch (error) {
          report.errors[cacheErrorCode(error)] = (report.errors[cacheErrorCode(error)] ?? 0) + 1;
        }
      }
    });
    await step(report, "entries", async () => {
      for await (const _ of open.entries()) report.entries++;
    });
    await step(report, "set", async () => {
      await open.set("after-damage", 1);
      if ((await open.get("after-damage")) !== 1) throw new Error("a fresh write did not read back");
    });
    await step(report, "sweep", async () => void (await open.sweepExpired()));
    await step(report, "close", () => open.close());
  }
  console.log(JSON.stringify(report));
} else {
  // One damaged record under `key`: what each operation gives, then whether del removes it.
  const cache = await openLmdbCache<unknown>({ path: job.path });
  const outcome = async (work: () => Promise<unknown>) => {
    try {
      const value = await work();
      return value === undefined ? "undefined" : `value ${JSON.stringify(value)}`;
    } catch (error) {
      return cacheErrorCode(error);
    }
  };
  const key = job.key!;
  const result = {
    get: await outcome(() => cache.get(key)),
    has: await outcome(() => cache.has(key)),
    entries: await outcome(async () => {
      const seen: string[] = [];
      for await (const [k] of cache.entries()) seen.push(k);
      return seen.length;
    }),
    sweep: await outcome(() => cache.sweepExpired()),
    del: await outcome(() => cache.del(key)),
    getAfterDel: await outcome(() => cache.get(key)),
    entriesAfterDel: await outcome(async () => {
      let n = 0;
      for await (const _ of cache.entries()) n++;
      return n;
    }),
  };
  await cache.close();
  console.log(JSON.stringify(result));
}
