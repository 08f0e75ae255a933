// Busy-writers campaign worker. "fill": puts `entries` keys in batches of 1000. "write": commits batches
// of `perBatch` puts of random keys until `seconds` have passed, then prints {"batches", "errors"}.
// "verify": reads every entry and prints {"count", "bad"} (values that do not name their key).
import { openLmdbCache } from "../../../lib/index.ts";
import { type BusyValue, busyKey, busyValue, isBusyValue } from "../busy-plan.ts";
import { cacheErrorCode } from "../../shared/error-code.ts";
import { seededRng } from "../../shared/rng.ts";

type Job = { path: string; mode: "fill" | "write" | "verify"; entries: number; writer?: number; seed?: number; seconds?: number; perBatch?: number };
const job = JSON.parse(process.argv[2]!) as Job;

const cache = await openLmdbCache<BusyValue>({ path: job.path });
if (job.mode === "fill") {
  for (let start = 0; start < job.entries; start += 1000) {
    const ops = [];
    for (let i = start; i < Math.min(start + 1000, job.entries); i++) ops.push({ type: "put" as const, key: busyKey(i), value: busyValue(busyKey(i), -1, 0, 200 + (i % 1600)) });
    await cache.batch(ops);
  }
  console.log(JSON.stringify({ filled: job.entries }));
} else if (job.mode === "write") {
  const rng = seededRng(job.seed!);
  const errors: string[] = [];
  const end = Date.now() + job.seconds! * 1000;
  let batches = 0;
  while (Date.now() < end) {
    const ops = [];
    for (let j = 0; j < job.perBatch!; j++) {
      const key = busyKey(rng.int(0, job.entries - 1));
      ops.push({ type: "put" as const, key, value: busyValue(key, job.writer!, batches, rng.int(200, 1800)) });
    }
    try {
      await cache.batch(ops);
      batches++;
    } catch (error) {
      errors.push(`${cacheErrorCode(error)} ${(error as Error).message.replaceAll("\n", " ")}`);
      break;
    }
  }
  console.log(JSON.stringify({ batches, errors }));
} else {
  let count = 0;
  let bad = 0;
  for await (const [key, value] of cache.entries()) {
    count++;
    if (!isBusyValue(key, value)) bad++;
  }
  console.log(JSON.stringify({ count, bad }));
}
await cache.close();
