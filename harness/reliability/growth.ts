// Campaign 3: four processes write until the cache holds a GiB, with no map size given anywhere (the
// map must grow, across processes, without a "map full" failure); then, with `maxSizeBytes` set, the
// writers run into the bound: puts fail with CACHE_FULL and everything stored stays readable.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { atLeast, atMost, type CampaignContext, type CampaignFindings, sample, zero } from "./campaign.ts";
import { runChild, startChild } from "../shared/child.ts";
import { growKey } from "./growth-plan.ts";
import { round } from "../shared/stats.ts";

export type GrowthSettings = { totalBytes: number; boundBytes: number };

const MiB = 1024 * 1024;
const GROW_VALUE = 64 * 1024;
const BOUND_VALUE = 1000;

type Written = { lastN: number; bytes: number; errors: Record<string, number>; messages: string[]; openFailed?: string };
type Verified = { found: Record<string, { count: number; bytes: number; bad: number; keys: string[] }>; afterDelete?: string };

async function write(script: string, job: Record<string, unknown>): Promise<Written> {
  const written: Written = { lastN: -1, bytes: 0, errors: {}, messages: [] };
  const exit = await startChild(script, { mode: "write", ...job }, (line) => {
    const [tag, a, b] = line.split(" ");
    if (tag === "a") {
      written.lastN = Number(a);
      written.bytes = Number(b);
    } else if (tag === "open-failed") {
      written.openFailed = line;
    } else if (tag === "e") {
      written.errors[a!] = (written.errors[a!] ?? 0) + 1;
      if (written.messages.length < 3) written.messages.push(line);
    }
  }).exited;
  if (exit.exitCode !== 0 && written.openFailed === undefined) {
    written.errors.crashed = 1;
    written.messages.push(`exit ${exit.signal ?? exit.exitCode}: ${exit.stderr.slice(-300)}`);
  }
  return written;
}

/** Acknowledged keys that the read-back did not find whole. */
function missing(written: Written, perBatch: number, found: Verified["found"][string] | undefined): string[] {
  const keys = new Set(found?.keys ?? []);
  const out: string[] = [];
  for (let n = 0; n <= written.lastN; n++) for (let i = 0; i < perBatch; i++) if (!keys.has(growKey(n, i))) out.push(growKey(n, i));
  return out;
}

export async function runGrowth(context: CampaignContext, settings: GrowthSettings): Promise<CampaignFindings> {
  const script = context.bundles.script("grow-writer");
  const failures: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "reliability-growth-"));
  try {
    // Unbounded: four writers, 1 MiB per batch.
    const path = join(dir, "grow");
    const namespaces = ["p0", "p1", "p2", "p3"];
    const perBatch = 16;
    const writeStart = performance.now();
    const grown = await Promise.all(
      namespaces.map((ns) => write(script, { path, ns, targetBytes: Math.ceil(settings.totalBytes / namespaces.length), valueBytes: GROW_VALUE, perBatch })),
    );
    const writeSeconds = (performance.now() - writeStart) / 1000;
    const fileBytes = statSync(join(path, "data.mdb")).size;
    const writtenBytes = grown.reduce((sum, w) => sum + w.bytes, 0);
    context.log(`growth: ${round(writtenBytes / MiB)} MiB written by 4 processes in ${round(writeSeconds, 1)} s, data file ${round(fileBytes / MiB)} MiB`);
    const verify = await runChild<Verified>(script, { path, mode: "verify", ns: "", namespaces, valueBytes: GROW_VALUE });
    const lostGrow = namespaces.flatMap((ns, w) => missing(grown[w]!, perBatch, verify.result?.found[ns]));
    const badGrow = namespaces.reduce((sum, ns) => sum + (verify.result?.found[ns]?.bad ?? 0), 0);
    const readBytes = namespaces.reduce((sum, ns) => sum + (verify.result?.found[ns]?.bytes ?? 0), 0);
    const openFailures = grown.filter((w) => w.openFailed !== undefined);
    const mapFull = grown.reduce((sum, w) => sum + Object.entries(w.errors).filter(([, n]) => n > 0).length, 0);
    const growMessages = grown.flatMap((w) => w.messages);
    if (verify.result === undefined) failures.push(`growth read-back failed: ${verify.signal ?? verify.exitCode} ${verify.stderr.slice(-300)}`);
    sample(failures, "growth write failure", growMessages);
    sample(failures, "growth acknowledged value missing", lostGrow);
    rmSync(path, { recursive: true, force: true });

    // Bounded: two writers fill the bound, each until ten puts in a row fail.
    const bounded = join(dir, "bounded");
    const boundNs = ["q0", "q1"];
    const filled = await Promise.all(
      boundNs.map((ns) => write(script, { path: bounded, ns, valueBytes: BOUND_VALUE, perBatch: 4, maxSizeBytes: settings.boundBytes, fullsToStop: 10 })),
    );
    const boundFile = statSync(join(bounded, "data.mdb")).size;
    const check = await runChild<Verified>(script, { path: bounded, mode: "verify", ns: "", namespaces: boundNs, valueBytes: BOUND_VALUE, maxSizeBytes: settings.boundBytes, deleteAfter: 1000 });
    const lostBound = boundNs.flatMap((ns, w) => missing(filled[w]!, 4, check.result?.found[ns]));
    const badBound = boundNs.reduce((sum, ns) => sum + (check.result?.found[ns]?.bad ?? 0), 0);
    const storedBound = boundNs.reduce((sum, ns) => sum + (check.result?.found[ns]?.bytes ?? 0), 0);
    const fullErrors = filled.reduce((sum, w) => sum + (w.errors.CACHE_FULL ?? 0), 0);
    openFailures.push(...filled.filter((w) => w.openFailed !== undefined));
    sample(failures, "a writer could not open", openFailures.map((w) => w.openFailed!));
    const otherErrors = filled.reduce((sum, w) => sum + Object.entries(w.errors).filter(([code]) => code !== "CACHE_FULL").reduce((s, [, n]) => s + n, 0), 0);
    sample(failures, "bounded acknowledged value missing", lostBound);
    sample(failures, "bounded write failure other than CACHE_FULL", filled.flatMap((w) => w.messages.filter((m) => !m.startsWith("e CACHE_FULL"))));
    if (check.result?.afterDelete !== "ok") failures.push(`a put after deleting entries gave ${check.result?.afterDelete ?? check.stderr.slice(-300)}`);
    context.log(`growth: bound ${round(settings.boundBytes / MiB)} MiB reached, ${fullErrors} CACHE_FULL, ${round(storedBound / MiB)} MiB stored`);

    return {
      id: "growth",
      title: "Growth",
      figures: [
        { name: "bytes written by 4 processes, no map size given", value: round(writtenBytes / MiB), unit: "MiB", rule: atLeast(round(settings.totalBytes / MiB)) },
        { name: "bytes read back whole", value: round(readBytes / MiB), unit: "MiB", rule: atLeast(round(settings.totalBytes / MiB)) },
        { name: "data file size", value: round(fileBytes / MiB), unit: "MiB" },
        { name: "write throughput, 4 processes", value: round(writtenBytes / MiB / writeSeconds, 1), unit: "MiB/s" },
        { name: "map-full or other write failures while growing", value: mapFull, rule: zero },
        { name: "acknowledged values lost or damaged while growing", value: lostGrow.length + badGrow, rule: zero },
        { name: "size bound (maxSizeBytes)", value: round(settings.boundBytes / MiB), unit: "MiB" },
        { name: "puts refused with CACHE_FULL", value: fullErrors, rule: atLeast(1) },
        { name: "failures other than CACHE_FULL at the bound", value: otherErrors, rule: zero },
        { name: "acknowledged values lost or damaged at the bound", value: lostBound.length + badBound, rule: zero },
        { name: "value bytes stored at the bound", value: round(storedBound / MiB), unit: "MiB", rule: atMost(round(settings.boundBytes / MiB)) },
        { name: "data file size at the bound", value: round(boundFile / MiB), unit: "MiB" },
        { name: "writers that could not open the cache", value: openFailures.length, rule: zero },
        { name: "puts refused after deleting entries", value: check.result?.afterDelete === "ok" ? 0 : 1, rule: zero },
      ],
      tables: [],
      notes: [
        `Growth: 4 processes write ${GROW_VALUE / 1024} KiB values in batches of ${perBatch} until ${round(settings.totalBytes / MiB)} MiB are acknowledged; no process gives a map size, so lmdb-js grows the map as it fills, and each process follows the others' growth. A fresh process then reads every value back and compares it with what was written. The directory is removed afterwards.`,
        `Bound: 2 processes write ${BOUND_VALUE}-byte values with maxSizeBytes ${round(settings.boundBytes / MiB)} MiB until ten puts in a row are refused; a fresh process then reads everything acknowledged, deletes 1000 entries of the fuller namespace (on a loaded machine one writer can fill the bound alone) and puts one value, which must succeed.`,
      ],
      failures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
