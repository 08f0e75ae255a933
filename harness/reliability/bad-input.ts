// Campaign 5: bad input. Each row calls the library with one odd input and records what the caller
// got: a typed error code, or the value stored losslessly. Around every row the whole store is dumped
// byte for byte (below the library), so a row that changed anything already stored is caught.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { openLmdbCache } from "../../lib/index.ts";
import type { Cache, CacheOptions } from "../../lib/types.ts";
import { type CampaignContext, type CampaignFindings, zero } from "./campaign.ts";
import { runChild, startChild } from "../shared/child.ts";
import { cacheErrorCode } from "../shared/error-code.ts";

type Env = { cache: Cache<unknown>; structured: Cache<unknown>; dir: string; file: string; openInChild: (path: unknown) => Promise<string> };

type Row = {
  group: "key" | "value" | "TTL" | "option" | "path";
  input: string;
  /** What the caller should get: an error code, or "stored" (read back equal), or a documented result. */
  expected: string;
  /** Does the call, returning what it gave as text: a code, "stored", or a description. */
  run: (env: Env) => Promise<string>;
  /** The stored key this row may add (rows that store): any other change is a failure. */
  adds?: number;
};

/** A CacheError's code, or "untyped: " and the message, so that a report shows what the error was. */
const codeOrMessage = (error: unknown) => {
  const code = cacheErrorCode(error);
  return code === "untyped" ? `untyped: ${String((error as { message?: unknown } | undefined)?.message)}` : code;
};

/** Runs a call that should fail (or not), giving its error code or "ok". */
async function attempt(work: () => unknown): Promise<string> {
  try {
    await work();
    return "ok";
  } catch (error) {
    return codeOrMessage(error);
  }
}

/** Every operation with this key: one code if all agree, else each operation's result. */
function keyRow(input: string, key: unknown, expected: string): Row {
  return {
    group: "key",
    input,
    expected,
    run: async ({ cache }) => {
      const k = key as string;
      const results = {
        set: await attempt(() => cache.set(k, 1)),
        get: await attempt(() => cache.get(k)),
        has: await attempt(() => cache.has(k)),
        del: await attempt(() => cache.del(k)),
        batch: await attempt(() => cache.batch([{ type: "put", key: "fine", value: 1 }, { type: "put", key: k, value: 1 }])),
      };
      const codes = new Set(Object.values(results));
      return codes.size === 1 ? [...codes][0]! : JSON.stringify(results);
    },
  };
}

/** A key that must be stored and read back as itself, in entries() too, without touching other keys. */
function storedKeyRow(input: string, key: string): Row {
  return {
    group: "key",
    input,
    expected: "stored",
    adds: 1,
    run: async ({ cache }) => {
      const ns = cache.withNamespace(`fresh ${input}`);
      await ns.set(key, { key });
      const back = await ns.get(key);
      const listed: string[] = [];
      for await (const [k] of ns.entries()) listed.push(k);
      return isDeepStrictEqual(back, { key }) && listed.length === 1 && listed[0] === key ? "stored" : `read back ${JSON.stringify(back).slice(0, 80)}, listed ${JSON.stringify(listed).slice(0, 80)}`;
    },
  };
}

function valueRow(input: string, value: () => unknown, expected: string, codec: "json" | "structured" = "json", check?: (back: unknown) => boolean): Row {
  return {
    group: "value",
    input: codec === "structured" ? `${input} (values: "structured")` : input,
    expected,
    adds: expected === "CACHE_INVALID_VALUE" ? 0 : 1,
    run: async (env) => {
      const cache = codec === "structured" ? env.structured : env.cache;
      const key = `value ${input} ${codec}`;
      const result = await attempt(() => cache.set(key, value()));
      if (result !== "ok") return result;
      const back = await cache.get(key);
      if (back === undefined) return "stored; reads as missing";
      return check === undefined || check(back) ? "stored" : `read back ${String(back)}`;
    },
  };
}

function ttlRow(input: string, ttl: unknown, expected: string, opts?: unknown): Row {
  return {
    group: "TTL",
    input,
    expected,
    adds: expected.startsWith("stored") ? 1 : 0,
    run: async ({ cache }) => {
      const key = `ttl ${input}`;
      const result = await attempt(() => cache.set(key, 1, (opts ?? { ttlMs: ttl }) as { ttlMs: number }));
      if (result !== "ok") return result;
      return (await cache.get(key)) === undefined ? "stored; reads as missing (already expired)" : "stored";
    },
  };
}

/** An open of an odd path, in a child process: a path can hang the open, and the parent must go on. */
function pathRow(input: string, path: (env: Env) => unknown, expected: string): Row {
  return { group: "path", input, expected, run: (env) => env.openInChild(path(env)) };
}

function openRow(group: "option" | "path", input: string, options: (env: Env) => unknown, expected: string): Row {
  return {
    group,
    input,
    expected,
    run: async (env) => {
      let opened: Cache<unknown> | undefined;
      const result = await attempt(async () => (opened = await openLmdbCache(options(env) as CacheOptions)));
      await opened?.close();
      return result;
    },
  };
}

const circular = () => {
  const value: Record<string, unknown> = { name: "loop" };
  value.self = value;
  return value;
};

const ROWS: Row[] = [
  keyRow("number 42", 42, "CACHE_INVALID_KEY"),
  keyRow("null", null, "CACHE_INVALID_KEY"),
  keyRow("undefined", undefined, "CACHE_INVALID_KEY"),
  keyRow("object {}", {}, "CACHE_INVALID_KEY"),
  keyRow("symbol", Symbol("k"), "CACHE_INVALID_KEY"),
  storedKeyRow("empty string", ""),
  storedKeyRow("64 KiB string", "k".repeat(64 * 1024)),
  storedKeyRow("NUL inside (a\\0b)", "a\0b"),
  storedKeyRow("NUL alone", "\0"),
  storedKeyRow("lone high surrogate", "\uD800"),
  storedKeyRow("lone low surrogate inside", "a\uDFFFb"),
  storedKeyRow("U+241F (level-cache's separator)", "x\u241Fk"),
  storedKeyRow("above U+FFFF", "\u{1F600}"),
  valueRow("function", () => () => 1, "CACHE_INVALID_VALUE"),
  valueRow("function inside an object", () => ({ f: () => 1 }), "CACHE_INVALID_VALUE"),
  valueRow("symbol", () => Symbol("v"), "CACHE_INVALID_VALUE"),
  valueRow("symbol inside an array", () => [Symbol("v")], "CACHE_INVALID_VALUE"),
  valueRow("BigInt", () => 10n, "CACHE_INVALID_VALUE"),
  valueRow("BigInt", () => 10n, "stored", "structured", (back) => back === 10n),
  valueRow("circular object", circular, "CACHE_INVALID_VALUE"),
  valueRow("circular object", circular, "stored", "structured", (back) => (back as { self: unknown }).self === back),
  valueRow("undefined", () => undefined, "stored; reads as missing"),
  ttlRow("NaN", Number.NaN, "CACHE_INVALID_TTL"),
  ttlRow("Infinity", Number.POSITIVE_INFINITY, "CACHE_INVALID_TTL"),
  ttlRow("-Infinity", Number.NEGATIVE_INFINITY, "CACHE_INVALID_TTL"),
  ttlRow("negative (-5)", -5, "stored; reads as missing (already expired)"),
  ttlRow("string \"100\"", "100", "CACHE_INVALID_TTL"),
  ttlRow("object", {}, "CACHE_INVALID_TTL"),
  ttlRow("options not an object (5)", undefined, "CACHE_INVALID_OPTION", 5),
  openRow("option", "no options", () => undefined, "CACHE_INVALID_OPTION"),
  openRow("option", "values: \"xml\"", (env) => ({ path: env.dir, values: "xml" }), "CACHE_INVALID_OPTION"),
  openRow("option", "durability: \"sometimes\"", (env) => ({ path: env.dir, durability: "sometimes" }), "CACHE_INVALID_OPTION"),
  openRow("option", "defaultTtlMs: NaN", (env) => ({ path: env.dir, defaultTtlMs: Number.NaN }), "CACHE_INVALID_OPTION"),
  openRow("option", "now: 5", (env) => ({ path: env.dir, now: 5 }), "CACHE_INVALID_OPTION"),
  openRow("option", "maxSizeBytes: -1", (env) => ({ path: env.dir, maxSizeBytes: -1 }), "CACHE_INVALID_OPTION"),
  openRow("option", "namespace: 7", (env) => ({ path: env.dir, namespace: 7 }), "CACHE_INVALID_OPTION"),
  {
    group: "option",
    input: "withNamespace(5)",
    expected: "CACHE_INVALID_OPTION",
    run: async ({ cache }) => attempt(() => cache.withNamespace(5 as unknown as string)),
  },
  {
    group: "option",
    input: "entries({ limit: \"x\" })",
    expected: "CACHE_INVALID_OPTION",
    run: async ({ cache }) => attempt(() => cache.entries({ limit: "x" as unknown as number }).next()),
  },
  {
    group: "option",
    input: "batch(\"ops\")",
    expected: "CACHE_INVALID_BATCH",
    run: async ({ cache }) => attempt(() => cache.batch("ops" as never)),
  },
  {
    group: "option",
    input: "batch with an unknown type",
    expected: "CACHE_INVALID_BATCH",
    run: async ({ cache }) => attempt(() => cache.batch([{ type: "put", key: "fine", value: 1 }, { type: "upsert", key: "a" } as never])),
  },
  openRow("path", "missing", () => ({}), "CACHE_INVALID_PATH"),
  pathRow("empty string", () => "", "CACHE_INVALID_PATH"),
  pathRow("not a string (42)", () => 42, "CACHE_INVALID_PATH"),
  pathRow("a file", (env) => env.file, "CACHE_INVALID_PATH"),
  pathRow("below a file", (env) => join(env.file, "cache"), "CACHE_INVALID_PATH"),
  pathRow("an unwritable directory (/proc/1, unwritable even for root)", () => "/proc/1", "CACHE_INVALID_PATH"),
  pathRow("below an unwritable directory (/proc/1/cache)", () => "/proc/1/cache", "CACHE_INVALID_PATH"),
  pathRow("a read-only directory (mode 0555; root may write)", (env) => join(env.dir, "read-only"), process.getuid?.() === 0 ? "ok" : "CACHE_INVALID_PATH"),
];

type Dump = { entries: [string, string][] };

export async function runBadInput(context: CampaignContext, settings: { openTimeoutMs: number }): Promise<CampaignFindings> {
  const dir = mkdtempSync(join(tmpdir(), "reliability-input-"));
  const path = join(dir, "cache");
  const file = join(dir, "a-file");
  writeFileSync(file, "not a cache");
  const failures: string[] = [];
  const cache = await openLmdbCache<unknown>({ path });
  const structured = await openLmdbCache<unknown>({ path, values: "structured" });
  try {
    await cache.set("a", { kept: true });
    await cache.set("expiring", 1, { ttlMs: 3_600_000 });
    await cache.withNamespace("x").set("k", "namespaced");
    await cache.set("long".repeat(1000), "long key");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "read-only"));
    chmodSync(join(dir, "read-only"), 0o555);
    const openInChild = async (target: unknown) => {
      const child = startChild(context.bundles.script("damaged-open"), { path: target, mode: "open" }, (line) => {
        if (line.startsWith("{")) result = (JSON.parse(line) as { result: string }).result;
      });
      let result: string | undefined;
      let hung = false;
      const timer = setTimeout(() => {
        hung = true;
        child.kill();
      }, settings.openTimeoutMs);
      const exit = await child.exited;
      clearTimeout(timer);
      if (hung) return `hangs (open had not returned after ${settings.openTimeoutMs / 1000} s)`;
      return result ?? `crash (${exit.signal ?? exit.exitCode})`;
    };
    const dump = async () => new Map((await runChild<Dump>(context.bundles.script("raw-store"), { path, mode: "dump" })).result!.entries);
    let before = await dump();
    const rows: (string | number)[][] = [];
    let unexpected = 0;
    let changed = 0;
    let untyped = 0;
    for (const row of ROWS) {
      const got = await row.run({ cache, structured, dir, file, openInChild });
      const after = await dump();
      const altered = [...before].filter(([key, record]) => after.get(key) !== record).length;
      const added = [...after.keys()].filter((key) => !before.has(key)).length;
      const untouched = altered === 0 && added <= (row.adds ?? 0) && readFileSync(file, "utf8") === "not a cache";
      if (got !== row.expected) {
        unexpected++;
        failures.push(`${row.group} ${row.input}: expected ${row.expected}, got ${got}`);
      }
      if (!untouched) {
        changed++;
        failures.push(`${row.group} ${row.input}: ${altered} stored entries changed, ${added} added`);
      }
      if (got.includes("untyped")) untyped++;
      rows.push([row.group, row.input, row.expected, got, got === row.expected ? "yes" : "NO", untouched ? "yes" : "NO"]);
      before = after;
    }
    return {
      id: "bad-input",
      title: "Bad input",
      figures: [
        { name: "bad-input rows", value: ROWS.length },
        { name: "rows where the caller got something other than expected", value: unexpected, rule: zero },
        { name: "rows that changed anything already stored", value: changed, rule: zero },
        { name: "untyped errors", value: untyped, rule: zero },
      ],
      tables: [
        {
          title: "Bad input: what the caller gets (every operation with the key agrees unless listed), and the store byte for byte before and after",
          columns: ["kind", "input", "expected", "caller got", "as expected", "nothing stored changed"],
          rows,
        },
      ],
      notes: [
        "Key rows call set, get, has, del and a batch (one good put and one with the key); a typed error on all of them shows as one code. Stored keys are written in a namespace and must read back equal and be the only key entries() lists there. The runs are as root, which writes into a mode-0555 directory: that row is expected to open.",
      ],
      failures: failures.map((line) => line.slice(0, 300)),
    };
  } finally {
    await cache.close();
    await structured.close();
    chmodSync(join(dir, "read-only"), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
}
