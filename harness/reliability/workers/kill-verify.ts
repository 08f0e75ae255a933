// Opens a cache after its writers were killed and writes every entry of the given namespaces to a file,
// for the parent to check against what the writers acknowledged, and checks the expiry index against
// the entries. Prints {"opened": true, "indexProblems": [...]} or the error.
import { writeFileSync } from "node:fs";
import { checkExpiryIndexAt } from "../../../lib/fixtures/expiry-index-check.ts";
import { openLmdbCache } from "../../../lib/index.ts";

type Job = { path: string; namespaces: string[]; out: string; durability?: "process" | "fsync" };
const job = JSON.parse(process.argv[2]!) as Job;

try {
  const cache = await openLmdbCache<unknown>({ path: job.path, durability: job.durability });
  const dump: Record<string, [string, unknown][]> = {};
  for (const ns of job.namespaces) {
    const entries: [string, unknown][] = [];
    for await (const pair of cache.withNamespace(ns).entries()) entries.push(pair);
    dump[ns] = entries;
  }
  writeFileSync(job.out, JSON.stringify(dump));
  const { problems } = await checkExpiryIndexAt(job.path, job.durability);
  await cache.close();
  console.log(JSON.stringify({ opened: true, indexProblems: problems.slice(0, 10) }));
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  console.log(JSON.stringify({ opened: false, code: code ?? "untyped", message }));
}
