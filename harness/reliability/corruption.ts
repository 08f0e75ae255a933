// Campaign 4: damaged data. Records whose bytes cannot be decoded, planted below the library; and
// damaged copies of a data file (header, root pointer, page overwrites, bit flips, truncation, lock
// file). Every damaged open and scan runs in a child process, so a crash is counted, not suffered.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeRecord, NEVER_COMPRESS } from "../../lib/codec.ts";
import { META_AT } from "../../lib/data-file.ts";
import { isCacheError, openLmdbCache, resetCache, verifyCache } from "../../lib/index.ts";
import { fullKey, namespacePrefix, storedKey } from "../../lib/keys.ts";
import { atLeast, type CampaignContext, type CampaignFindings, type Table, sample, zero } from "./campaign.ts";
import { runChild, startChild } from "../shared/child.ts";
import { BASE_ENTRIES, baseKey, baseTtl, baseValue, type ScanReport } from "./corruption-plan.ts";
import { type Rng, seededRng } from "../shared/rng.ts";

export type CorruptionSettings = { damages: number };

/** Damaged records: what each operation must give is CACHE_CORRUPT, and del must remove it. */
const RECORDS: [string, Buffer][] = [
  ["unknown flag bits", Buffer.from([0xf0])],
  ["empty record", Buffer.alloc(0)],
  ["expiry cut short", Buffer.from([0x01, 1, 2])],
  ["stored full key longer than the record", Buffer.from([0x02, 9, 0, 0, 0, 1])],
  ["MessagePack payload cut short", Buffer.concat([encodeRecord({ a: "long enough text" }, "json", undefined, NEVER_COMPRESS).subarray(0, 6)])],
  ["JSON payload that is not JSON", Buffer.from([0x00, 0x7b, 0x22])],
  ["structured payload that is not V8's", Buffer.from([0x04, 0xff, 0x0f, 0x6f, 0x22])],
  ["compressed payload cut short", encodeRecord("z".repeat(600), "json", undefined, 0).subarray(0, 9)],
];

type Damage = { kind: string; region: "header" | "truncation" | "body" | "lock"; apply: (data: Buffer, rng: Rng, pageSize: number) => { data: Buffer; lock?: Buffer; detail: string } };

function newestMeta(data: Buffer, pageSize: number): number {
  return data.readBigUInt64LE(pageSize + META_AT.txnId) > data.readBigUInt64LE(META_AT.txnId) ? pageSize : 0;
}
const pages = (data: Buffer, pageSize: number) => Math.floor(data.length / pageSize);
const bodyPage = (data: Buffer, rng: Rng, pageSize: number) => rng.int(2, pages(data, pageSize) - 1);

const DAMAGES: Damage[] = [
  { kind: "meta page 0 overwritten", region: "header", apply: (d, rng) => ({ data: overwrite(d, rng, 0, 4096), detail: "page 0" }) },
  { kind: "meta page 1 overwritten", region: "header", apply: (d, rng, ps) => ({ data: overwrite(d, rng, ps, ps), detail: "page 1" }) },
  { kind: "both meta pages zeroed", region: "header", apply: (d, _rng, ps) => ({ data: Buffer.concat([Buffer.alloc(2 * ps), d.subarray(2 * ps)]), detail: "pages 0-1" }) },
  {
    kind: "newest meta: root page past the end",
    region: "header",
    apply: (d, rng, ps) => {
      const out = Buffer.from(d);
      out.writeBigUInt64LE(BigInt(pages(d, ps) + rng.int(1, 1_000_000)), newestMeta(d, ps) + META_AT.mainRoot);
      return { data: out, detail: `root ${out.readBigUInt64LE(newestMeta(d, ps) + META_AT.mainRoot)}` };
    },
  },
  {
    kind: "newest meta: root pointing at another page",
    region: "header",
    apply: (d, rng, ps) => {
      const out = Buffer.from(d);
      const page = bodyPage(d, rng, ps);
      out.writeBigUInt64LE(BigInt(page), newestMeta(d, ps) + META_AT.mainRoot);
      return { data: out, detail: `root ${page}` };
    },
  },
  { kind: "cut inside the meta pages", region: "truncation", apply: (d, rng, ps) => cut(d, rng.int(1, 2 * ps - 1)) },
  { kind: "last page cut off", region: "truncation", apply: (d, _rng, ps) => cut(d, d.length - ps) },
  { kind: "cut at a random length", region: "truncation", apply: (d, rng, ps) => cut(d, rng.int(2 * ps, d.length - 1)) },
  {
    kind: "a page overwritten with random bytes",
    region: "body",
    apply: (d, rng, ps) => {
      const page = bodyPage(d, rng, ps);
      return { data: overwrite(d, rng, page * ps, ps), detail: `page ${page}` };
    },
  },
  {
    kind: "a page zeroed",
    region: "body",
    apply: (d, rng, ps) => {
      const page = bodyPage(d, rng, ps);
      const out = Buffer.from(d);
      out.fill(0, page * ps, (page + 1) * ps);
      return { data: out, detail: `page ${page}` };
    },
  },
  {
    kind: "a page header overwritten",
    region: "body",
    apply: (d, rng, ps) => {
      const page = bodyPage(d, rng, ps);
      return { data: overwrite(d, rng, page * ps, 24), detail: `page ${page}` };
    },
  },
  {
    kind: "bit flips in the body",
    region: "body",
    apply: (d, rng, ps) => {
      const out = Buffer.from(d);
      const at: number[] = [];
      for (let i = rng.int(1, 8); i > 0; i--) {
        const byte = rng.int(2 * ps, d.length - 1);
        out[byte]! ^= 1 << rng.int(0, 7);
        at.push(byte);
      }
      return { data: out, detail: `bytes ${at.join(",")}` };
    },
  },
  {
    kind: "lock file of random bytes",
    region: "lock",
    apply: (d, rng) => ({ data: d, lock: overwrite(Buffer.alloc(8192), rng, 0, 8192), detail: "lock.mdb" }),
  },
];

function overwrite(data: Buffer, rng: Rng, at: number, length: number): Buffer {
  const out = Buffer.from(data);
  for (let i = at; i < Math.min(at + length, out.length); i++) out[i] = rng.int(0, 255);
  return out;
}

function cut(data: Buffer, length: number): { data: Buffer; detail: string } {
  return { data: data.subarray(0, length), detail: `${length} of ${data.length} bytes` };
}

/** What verifyCache gave for a damaged copy: "ok" (resolved), a CacheError's code, or "untyped". */
type Verdict = string;

type Trial = { damage: Damage; detail: string; signal?: string; exitCode?: number; lastStep: string; report?: ScanReport; verified?: Verdict };

async function verdictOf(path: string): Promise<Verdict> {
  try {
    await verifyCache(path);
    return "ok";
  } catch (error) {
    return isCacheError(error) ? error.code : "untyped";
  }
}

const crashed = (t: Trial) => t.signal !== undefined || t.report === undefined;
const untyped = (t: Trial) =>
  t.report !== undefined && (Object.values(t.report.steps).includes("untyped") || (t.report.errors.untyped ?? 0) > 0);

function outcomeOf(t: Trial): string {
  if (crashed(t)) return `crash (${t.signal ?? `exit ${t.exitCode}`}) in ${t.lastStep}`;
  const r = t.report!;
  if (r.steps.open !== "ok") return `open: ${r.steps.open}`;
  const failed = Object.entries(r.steps).filter(([, v]) => v !== "ok").map(([k, v]) => `${k}: ${v}`);
  const errors = Object.entries(r.errors).map(([code, n]) => `${n} get ${code}`);
  const values = [r.wrong > 0 ? `${r.wrong} wrong values` : "", r.missing > 0 ? `${r.missing} missing` : ""].filter(Boolean);
  const all = [...failed, ...errors, ...values];
  return all.length === 0 ? "clean (damage in unused space)" : all.join(", ");
}

export async function runCorruption(context: CampaignContext, settings: CorruptionSettings): Promise<CampaignFindings> {
  const rng = seededRng(context.seed ^ 0x636f7272);
  const script = context.bundles.script("damaged-open");
  const dir = mkdtempSync(join(tmpdir(), "reliability-corrupt-"));
  const failures: string[] = [];
  try {
    // Records below the library, one per cache.
    const recordRows: (string | number)[][] = [];
    let recordMisses = 0;
    for (const [i, [name, record]] of RECORDS.entries()) {
      const path = join(dir, `record${i}`);
      const cache = await openLmdbCache({ path });
      await cache.set("good", "fine");
      await cache.close();
      const slot = storedKey(fullKey(namespacePrefix(""), "bad")).stored;
      await runChild(context.bundles.script("raw-store"), { path, mode: "put", records: [[slot.toString("hex"), record.toString("hex")]] });
      const run = await runChild<Record<string, string>>(script, { path, mode: "records", key: "bad" });
      const r = run.result;
      if (r === undefined) {
        recordMisses++;
        failures.push(`record "${name}": the process ended with ${run.signal ?? run.exitCode}`);
        continue;
      }
      const expected = r.get === "CACHE_CORRUPT" && r.entries === "CACHE_CORRUPT" && r.del === "undefined" && r.getAfterDel === "undefined" && r.entriesAfterDel === "value 1";
      if (!expected) {
        recordMisses++;
        failures.push(`record "${name}": ${JSON.stringify(r)}`);
      }
      recordRows.push([name, r.get!, r.has!, r.entries!, r.sweep!, r.del === "undefined" ? "removes it" : r.del!, r.getAfterDel!, r.entriesAfterDel!.replace("value ", "")]);
    }

    // A base cache to damage.
    const basePath = join(dir, "base");
    const base = await openLmdbCache({ path: basePath });
    for (let i = 0; i < BASE_ENTRIES; i += 100) {
      const ops = [];
      for (let j = i; j < Math.min(i + 100, BASE_ENTRIES); j++) ops.push({ type: "put" as const, key: baseKey(j), value: baseValue(j), ttlMs: baseTtl(j) });
      await base.batch(ops);
    }
    await base.close();
    const data = readFileSync(join(basePath, "data.mdb"));
    const pageSize = data.readUInt32LE(META_AT.pageSize);

    const trials: Trial[] = [];
    for (let t = 0; t < settings.damages; t++) {
      const damage = DAMAGES[t % DAMAGES.length]!;
      const path = join(dir, `trial${t}`);
      mkdirSync(path);
      const applied = damage.apply(data, rng, pageSize);
      writeFileSync(join(path, "data.mdb"), applied.data);
      if (applied.lock !== undefined) writeFileSync(join(path, "lock.mdb"), applied.lock);
      let lastStep = "start";
      let line: string | undefined;
      const exit = await startChild(script, { path, mode: "scan" }, (text) => {
        if (text.startsWith("step ")) lastStep = text.slice(5);
        else if (text.startsWith("{")) line = text;
      }).exited;
      const trial: Trial = { damage, detail: applied.detail, lastStep, exitCode: exit.exitCode };
      if (exit.signal !== undefined) trial.signal = exit.signal;
      if (line !== undefined && exit.exitCode === 0) trial.report = JSON.parse(line) as ScanReport;
      // Body damage can crash a reader: the documented check, verifyCache, must catch that in its child.
      if (damage.region === "body") trial.verified = await verdictOf(path);
      trials.push(trial);
      // The documented recovery, on every cache that did not come through clean.
      if (t < DAMAGES.length || crashed(trial)) {
        await resetCache(path);
        const after = await runChild<ScanReport>(script, { path, mode: "scan" });
        const ok = after.result?.steps.open === "ok" && after.result.steps.set === "ok";
        (trial as Trial & { recovered?: boolean }).recovered = ok;
        if (!ok) failures.push(`resetCache did not recover ${damage.kind} (${applied.detail}): ${JSON.stringify(after.result)}`);
      }
      rmSync(path, { recursive: true, force: true });
      if ((t + 1) % 50 === 0) context.log(`corruption: ${t + 1}/${settings.damages} damaged copies opened`);
    }

    const recoveries = trials.filter((t) => "recovered" in t);
    const notRecovered = recoveries.filter((t) => (t as { recovered?: boolean }).recovered !== true).length;
    const guarded = trials.filter((t) => t.damage.region !== "body");
    const body = trials.filter((t) => t.damage.region === "body");
    const crashList = trials.filter(crashed).map((t) => `${t.damage.kind} (${t.detail}): ${outcomeOf(t)}`);
    sample(failures, "crash", trials.filter((t) => crashed(t) && t.damage.region !== "body").map((t) => `${t.damage.kind} (${t.detail}): ${outcomeOf(t)}`));
    sample(failures, "untyped error", trials.filter(untyped).map((t) => `${t.damage.kind} (${t.detail}): ${outcomeOf(t)}`));
    const byKind: Table = {
      title: "Damaged copies of the data file (each opened and scanned in a child process)",
      columns: ["damage", "where", "trials", "crashed", "rejected at open (CACHE_CORRUPT)", "typed errors after open", "wrong values served", "values missing, no error", "clean", "crashes in step", "outcomes seen"],
      rows: DAMAGES.map((damage) => {
        const mine = trials.filter((t) => t.damage === damage);
        const opened = mine.filter((t) => !crashed(t) && t.report!.steps.open === "ok");
        const steps = [...new Set(mine.filter(crashed).map((t) => t.lastStep))].join(", ");
        return [
          damage.kind,
          damage.region,
          mine.length,
          mine.filter(crashed).length,
          mine.filter((t) => !crashed(t) && t.report!.steps.open === "CACHE_CORRUPT").length,
          opened.filter((t) => Object.values(t.report!.steps).some((s) => s !== "ok" && s !== "untyped") || Object.keys(t.report!.errors).some((c) => c !== "untyped")).length,
          opened.filter((t) => t.report!.wrong > 0).length,
          opened.filter((t) => t.report!.missing > 0).length,
          mine.filter((t) => outcomeOf(t) === "clean (damage in unused space)").length,
          steps || "-",
          [...new Set(mine.map(outcomeOf))].slice(0, 4).join("; ").slice(0, 300),
        ];
      }),
    };
    return {
      id: "corruption",
      title: "Corruption",
      figures: [
        { name: "damaged records tried (get, has, entries, sweep, del)", value: RECORDS.length },
        { name: "damaged records not reported as CACHE_CORRUPT or not removed by del", value: recordMisses, rule: zero },
        { name: "damaged data-file copies opened and scanned", value: trials.length, rule: atLeast(settings.damages) },
        { name: "crashes on header, truncation or lock-file damage", value: guarded.filter(crashed).length, rule: zero },
        { name: "untyped errors (not a CacheError)", value: trials.filter(untyped).length, rule: zero },
        { name: "crashes on damage inside the body (pages after the meta pages)", value: body.filter(crashed).length },
        { name: "scans that served a wrong value without an error", value: trials.filter((t) => (t.report?.wrong ?? 0) > 0).length },
        { name: "body-damaged copies checked with verifyCache", value: body.length },
        { name: "of them, rejected by verifyCache with CACHE_CORRUPT", value: body.filter((t) => t.verified === "CACHE_CORRUPT").length },
        { name: "body-damaged copies that crashed a reader yet passed verifyCache", value: body.filter((t) => crashed(t) && t.verified === "ok").length, rule: zero },
        { name: "verifyCache results other than a pass or CACHE_CORRUPT", value: body.filter((t) => t.verified !== "ok" && t.verified !== "CACHE_CORRUPT").length, rule: zero },
        { name: "damaged caches not recovered by resetCache", value: notRecovered, rule: zero },
        { name: "recoveries by resetCache tried", value: recoveries.length },
      ],
      tables: [
        {
          title: "Damaged records (planted below the library): what each operation gives",
          columns: ["record", "get", "has", "entries()", "sweepExpired", "del", "get after del", "entries after del"],
          rows: recordRows,
        },
        byKind,
      ],
      notes: [
        `Base cache: ${BASE_ENTRIES} entries (ordinary and overflow pages, some with a TTL), ${pages(data, pageSize)} pages of ${pageSize} bytes. Each trial damages a copy and opens it in a child process that reads every entry, scans entries(), writes, sweeps and closes; a child killed by a signal is a crash.`,
        ...(crashList.length > 0 ? [`Crashes: ${crashList.slice(0, 8).join("; ")}${crashList.length > 8 ? `; … ${crashList.length - 8} more` : ""}.`] : []),
        "Recovery (README, Damage and recovery): stop every process using the cache, call resetCache(path), reopen; the cache starts empty. Tried on the first trial of each kind and on every trial that crashed.",
      ],
      failures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
