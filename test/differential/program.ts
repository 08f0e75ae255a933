/**
 * Programs of cache calls for the differential test: their shape (plain JSON, so shrunk counterexamples
 * can be kept as regression cases), a fast-check generator, and a runner that plays one program on the
 * reference level-cache and on the library, each beside its model.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { openLmdbCache } from "../../lib/index.ts";
import type { Millis } from "../../lib/types.ts";
import type { LevelCacheApi } from "../reference/level-cache.ts";
import { openReferenceLevelCache } from "../reference/level-cache.ts";
import { type Differences, LEVEL_CACHE_DIFFERENCES, LMDB_CACHE_DIFFERENCES, type OpenOptions } from "../suite/differences.ts";
import { type Outcome, outcome } from "../suite/suite.ts";
import { CacheModel } from "./model.ts";

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A key; `{ number }` is bad input (not a string). */
export type Key = string | { number: number };
/** A value: JSON, `undefined`, or bad input (an object holding a function, a BigInt). */
export type Value = { json: JsonValue } | { undefined: true } | { function: number } | { bigint: string };
/** A TTL; the strings stand for the non-finite numbers. */
export type Ttl = number | "NaN" | "Infinity" | "-Infinity";
export type BatchOp = { type: "put"; key: Key; value: Value; ttl?: Ttl } | { type: "del"; key: Key };

/** `view` indexes Program.views (modulo its length). */
export type Command =
  | { op: "set"; view: number; key: Key; value: Value; ttl?: Ttl }
  | { op: "get" | "has" | "del"; view: number; key: Key }
  | { op: "batch"; view: number; ops: BatchOp[] }
  | { op: "entries"; view: number; limit?: number | "NaN"; take?: number }
  | { op: "sweep"; view: number }
  | { op: "close"; view: number }
  | { op: "advance"; ms: number }
  | { op: "reopen" };

export type Program = {
  /** The `namespace` option of every open. */
  namespace: string;
  defaultTtlMs?: Millis;
  /** Each view is the opened cache after withNamespace of each segment in turn; [] is the opened view. */
  views: string[][];
  commands: Command[];
};

// Small pools shared by namespaces and keys, so that aliasing, ordering and range bounds get hit often.
const LONG = "é".repeat(1000);
const SPECIAL = [
  "",
  "\u241F",
  "\u0000",
  "\uD800",
  "\uDC00",
  "\uD83D",
  "\uFFFD",
  "\uFFFF",
  "\u{1F600}",
  "\u{10FFFF}",
  "é",
  "/",
];
const NAMES = ["a", "b", "users", "a/b", "a\u241Fb", "n\u0000", "x\uD800"];

const anyText = (maxLength: number) => fc.string({ unit: "binary", maxLength });
const piece = fc.oneof(fc.constantFrom(...NAMES, ...SPECIAL), anyText(3));

const namespaceArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom("", "a", "app") }, { weight: 1, arbitrary: piece });

const keyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom("a", "b", "k", "ab", "B") },
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 3, arbitrary: fc.tuple(piece, piece).map(([a, b]) => a + b) },
  // A namespace joined to a key the way level-cache stores it: aliases an entry of that namespace there.
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...NAMES, "app"), piece).map(([ns, k]) => ns + "\u241F" + k) },
  { weight: 3, arbitrary: anyText(8) },
  // Beyond LMDB's 1978-byte key limit, sharing a long head.
  { weight: 1, arbitrary: fc.constantFrom("0", "1", "\u{1F600}").map((tail) => LONG + tail) },
);

const keyArb: fc.Arbitrary<Key> = fc.oneof(
  { weight: 40, arbitrary: keyText },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((number) => ({ number })) },
);

const valueArb: fc.Arbitrary<Value> = fc.oneof(
  { weight: 20, arbitrary: fc.jsonValue({ maxDepth: 2, stringUnit: "binary" }).map((json) => ({ json: json as JsonValue })) },
  { weight: 2, arbitrary: fc.constant({ undefined: true as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 9 }).map((n) => ({ function: n })) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 99n }).map((n) => ({ bigint: String(n) })) },
);

// TTLs and clock steps from the same small numbers, so expiry boundaries (expiry === now) are common.
const ttlArb: fc.Arbitrary<Ttl | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 8, arbitrary: fc.constantFrom(10, 50, 100, 1000) },
  { weight: 2, arbitrary: fc.integer({ min: -20, max: 150 }) },
  { weight: 1, arbitrary: fc.constantFrom<Ttl>("NaN", "Infinity", "-Infinity") },
);

const view = fc.nat({ max: 7 });

/** A put or del whose parts are valid except, at most, one bad part per command. */
const putOp = fc.record({ key: keyArb, value: valueArb, ttl: ttlArb }).map((op) => ({ type: "put" as const, ...op }));
const batchOp: fc.Arbitrary<BatchOp> = fc.oneof(
  { weight: 3, arbitrary: putOp },
  { weight: 1, arbitrary: keyArb.map((key) => ({ type: "del" as const, key })) },
);

function badParts(op: { key: Key; value?: Value; ttl?: Ttl }): number {
  return (
    Number(typeof op.key !== "string") +
    Number(op.value !== undefined && ("function" in op.value || "bigint" in op.value)) +
    Number(typeof op.ttl === "string")
  );
}

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ view, put: putOp }).map(({ view, put }) => ({ op: "set" as const, view, ...withoutType(put) })) },
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom("get" as const, "has" as const), view, key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("del" as const), view, key: keyArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("batch" as const),
      view,
      ops: fc.array(batchOp, { maxLength: 5 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        op: fc.constant("entries" as const),
        view,
        limit: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constant("NaN" as const), fc.constant(1.5)),
        take: fc.integer({ min: 1, max: 3 }),
      },
      { requiredKeys: ["op", "view"] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("sweep" as const), view }) },
  // The clock also goes back now and then: an entry that reappears was not deleted when it expired.
  { weight: 4, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.constantFrom(1, 9, 10, 40, 50, 100, 1000) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.constantFrom(-1, -10, -100) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("close" as const), view }) },
  { weight: 1, arbitrary: fc.constant({ op: "reopen" as const }) },
).filter((command) => {
  if (command.op === "set") return badParts(command) <= 1;
  if (command.op === "batch") return command.ops.reduce((sum, op) => sum + badParts(op), 0) <= 1;
  return true;
});

function withoutType(put: { type: "put"; key: Key; value: Value; ttl: Ttl | undefined }) {
  const { key, value, ttl } = put;
  return ttl === undefined ? { key, value } : { key, value, ttl };
}

export const programArb: fc.Arbitrary<Program> = fc.record(
  {
    namespace: namespaceArb,
    defaultTtlMs: fc.constantFrom(10, 100, 1000),
    views: fc.array(fc.array(piece, { maxLength: 2 }), { minLength: 1, maxLength: 4 }).map((views) => [[], ...views]),
    commands: fc.array(commandArb, { minLength: 1, maxLength: 40 }),
  },
  { requiredKeys: ["namespace", "views", "commands"] },
);

// ---- running a program ----

export const CLOCK_START = 1_700_000_000_000;

export type Backend = { name: string; open: (opts: OpenOptions) => Promise<LevelCacheApi<unknown>>; differences: Differences };

export const BACKENDS: readonly Backend[] = [
  { name: "reference level-cache", open: openReferenceLevelCache, differences: LEVEL_CACHE_DIFFERENCES },
  { name: "lmdb-cache", open: openLmdbCache, differences: LMDB_CACHE_DIFFERENCES },
];

const key = (k: Key): string => (typeof k === "string" ? k : (k.number as unknown as string));

function value(v: Value): unknown {
  if ("json" in v) return structuredClone(v.json);
  if ("undefined" in v) return undefined;
  if ("function" in v) return { kept: v.function, fn: () => v.function };
  return BigInt(v.bigint);
}

const ttl = (t: Ttl | undefined): number | undefined => (t === undefined ? undefined : Number(t));

async function execute(command: Command, views: ReadonlyArray<LevelCacheApi<unknown>>): Promise<Outcome> {
  const at = (index: number) => views[index % views.length]!;
  switch (command.op) {
    case "get":
      return outcome(() => at(command.view).get(key(command.key)));
    case "has":
      return outcome(() => at(command.view).has(key(command.key)));
    case "del":
      return outcome(() => at(command.view).del(key(command.key)));
    case "set":
      return outcome(() =>
        at(command.view).set(key(command.key), value(command.value), command.ttl === undefined ? undefined : { ttlMs: ttl(command.ttl) }),
      );
    case "batch":
      return outcome(() =>
        at(command.view).batch(
          command.ops.map((op) =>
            op.type === "del"
              ? { type: "del", key: key(op.key) }
              : { type: "put", key: key(op.key), value: value(op.value), ttlMs: ttl(op.ttl) },
          ),
        ),
      );
    case "entries":
      return outcome(async () => {
        const limit = command.limit === undefined ? undefined : Number(command.limit);
        const out: Array<[string, unknown]> = [];
        for await (const entry of at(command.view).entries(limit === undefined ? undefined : { limit })) {
          out.push(entry);
          if (command.take !== undefined && out.length >= command.take) break;
        }
        return out;
      });
    case "sweep":
      return outcome(() => at(command.view).sweepExpired());
    case "close":
      return outcome(() => at(command.view).close());
    case "advance":
    case "reopen":
      return { ok: undefined };
  }
}

/** JSON with undefined spelled out and lone surrogates escaped, for messages and regression files. */
export function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? "<undefined>" : v));
}

/** Steps where the two models expect different results: the documented differences at work, by command. */
export type DivergenceTally = Map<string, number>;

/**
 * Plays `program` on two backends (the reference and the library's LMDB backend unless given), each in
 * a fresh directory, checking every result against the backend's model. Throws on the first result
 * that differs from its model.
 */
export async function runProgram(program: Program, tally?: DivergenceTally, backends: readonly Backend[] = BACKENDS): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), "differential-"));
  const clock = { t: CLOCK_START };
  const now = () => clock.t;
  const namespaces = program.views.map((segments) =>
    segments.reduce((ns, segment) => (segment ? (ns ? `${ns}/${segment}` : segment) : ns), program.namespace),
  );
  const runs = backends.map((backend, index) => ({
    backend,
    path: join(base, String(index)),
    model: new CacheModel(backend.differences, program.defaultTtlMs),
    cache: undefined as LevelCacheApi<unknown> | undefined,
    views: [] as Array<LevelCacheApi<unknown>>,
  }));
  const open = async (run: (typeof runs)[number]) => {
    const opts = { path: run.path, namespace: program.namespace, now };
    run.cache = await run.backend.open(program.defaultTtlMs === undefined ? opts : { ...opts, defaultTtlMs: program.defaultTtlMs });
    run.views = program.views.map((segments) => segments.reduce((view, segment) => view.withNamespace(segment), run.cache!));
  };
  try {
    for (const run of runs) await open(run);
    for (const [step, command] of program.commands.entries()) {
      if (command.op === "advance") clock.t += command.ms;
      const namespace = "view" in command ? namespaces[command.view % namespaces.length]! : "";
      const expected: Outcome[] = [];
      for (const run of runs) {
        if (command.op === "reopen") {
          await run.cache?.close();
          await open(run);
        }
        const want = run.model.apply(command, namespace, clock.t);
        const got = await execute(command, run.views);
        // Deep equality catches -0 against 0, the JSON text catches property order.
        if (!isDeepStrictEqual(got, want) || show(got) !== show(want)) {
          throw new Error(
            `step ${step} ${show(command)} in namespace ${show(namespace)}: ${run.backend.name} gave ${show(got)}, ` +
              `its model expects ${show(want)}`,
          );
        }
        expected.push(want);
      }
      if (tally && !isDeepStrictEqual(expected[0], expected[1])) tally.set(command.op, (tally.get(command.op) ?? 0) + 1);
    }
  } finally {
    for (const run of runs) await run.cache?.close().catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}
