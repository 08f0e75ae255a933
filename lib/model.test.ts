import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Cache, openLmdbCache } from "./index.ts";
import { manualClock, nastyString, tempDir } from "./test-support.ts";
import { wtf8Encode } from "./wtf8.ts";

// The whole API against a plain in-memory model: views and nested namespaces, TTL on an injected
// clock, batch, entries with limit, sweep, close and reopen.

type Entry = { value: unknown; expiry: number | undefined };
type Model = { data: Map<string, Map<string, Entry>>; views: string[]; time: number; closed: boolean };
type Real = { cache: Cache<unknown>; views: Cache<unknown>[]; path: string; clock: ReturnType<typeof manualClock>; readCacheBytes: number | undefined };

const json = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const live = (entry: Entry | undefined, time: number) => entry !== undefined && !(entry.expiry !== undefined && entry.expiry <= time);
const space = (m: Model, view: number) => {
  const ns = m.views[view % m.views.length]!;
  let map = m.data.get(ns);
  if (!map) m.data.set(ns, (map = new Map()));
  return map;
};
const realView = (r: Real, view: number) => r.views[view % r.views.length]!;
const closedCode = { code: "CACHE_CLOSED" };

class SetCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly view: number, readonly key: string, readonly value: unknown, readonly ttl: number | undefined) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const call = realView(r, this.view).set(this.key, this.value, this.ttl === undefined ? undefined : { ttlMs: this.ttl });
    if (m.closed) return void (await expect(call).rejects.toMatchObject(closedCode));
    await call;
    space(m, this.view).set(this.key, { value: json(this.value), expiry: this.ttl === undefined ? undefined : m.time + this.ttl });
  }
  toString = () => `set(${this.view}, ${JSON.stringify(this.key).slice(0, 40)}, ${JSON.stringify(this.value)}, ${this.ttl})`;
}

/** Changes a value as a careless caller might: later gets must not see it (each get hands out its own copy). */
function scribble(value: unknown): void {
  if (Array.isArray(value)) value.push("scribbled");
  else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) scribble((value as Record<string, unknown>)[key]);
    (value as Record<string, unknown>).scribbled = true;
  }
}

class GetCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly view: number, readonly key: string, readonly viaHas: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const view = realView(r, this.view);
    const call = this.viaHas ? view.has(this.key) : view.get(this.key);
    if (m.closed) return void (await expect(call).rejects.toMatchObject(closedCode));
    const entry = space(m, this.view).get(this.key);
    const present = live(entry, m.time);
    if (!present) space(m, this.view).delete(this.key);
    const expected = present ? entry!.value : undefined;
    const got = await call;
    expect(got).toStrictEqual(this.viaHas ? expected !== undefined : expected);
    scribble(got);
  }
  toString = () => `${this.viaHas ? "has" : "get"}(${this.view}, ${JSON.stringify(this.key).slice(0, 40)})`;
}

class DelCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly view: number, readonly key: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const call = realView(r, this.view).del(this.key);
    if (m.closed) return void (await expect(call).rejects.toMatchObject(closedCode));
    await call;
    space(m, this.view).delete(this.key);
  }
  toString = () => `del(${this.view}, ${JSON.stringify(this.key).slice(0, 40)})`;
}

type Op = { type: "put"; key: string; value: unknown; ttlMs?: number } | { type: "del"; key: string };
class BatchCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly view: number, readonly ops: Op[]) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const call = realView(r, this.view).batch(this.ops);
    if (m.closed) return void (await expect(call).rejects.toMatchObject(closedCode));
    await call;
    const map = space(m, this.view);
    for (const op of this.ops) {
      if (op.type === "del") map.delete(op.key);
      else map.set(op.key, { value: json(op.value), expiry: op.ttlMs === undefined ? undefined : m.time + op.ttlMs });
    }
  }
  toString = () => `batch(${this.view}, ${JSON.stringify(this.ops).slice(0, 200)})`;
}

class EntriesCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly view: number, readonly limit: number | undefined) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const seen: Array<[string, unknown]> = [];
    const scan = async () => {
      for await (const entry of realView(r, this.view).entries(this.limit === undefined ? undefined : { limit: this.limit })) seen.push(entry);
    };
    if (m.closed) return void (await expect(scan()).rejects.toMatchObject(closedCode));
    await scan();
    const map = space(m, this.view);
    const keys = [...map.keys()].sort((a, b) => Buffer.compare(wtf8Encode(a), wtf8Encode(b)));
    const expected: Array<[string, unknown]> = [];
    for (const key of keys.slice(0, this.limit ?? Infinity)) {
      const entry = map.get(key)!;
      if (live(entry, m.time)) expected.push([key, entry.value]);
      else map.delete(key);
    }
    expect(seen).toStrictEqual(expected);
  }
  toString = () => `entries(${this.view}, ${this.limit})`;
}

class SweepCmd implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const call = r.cache.sweepExpired();
    if (m.closed) return void (await expect(call).rejects.toMatchObject(closedCode));
    let expired = 0;
    for (const map of m.data.values()) {
      for (const [key, entry] of map) if (!live(entry, m.time)) (map.delete(key), expired++);
    }
    expect(await call).toBe(expired);
  }
  toString = () => "sweepExpired()";
}

class AdvanceCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.time += this.ms;
    r.clock.advance(this.ms);
  }
  toString = () => `advance(${this.ms})`;
}

class ViewCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly from: number, readonly ns: string) {}
  check = (m: Readonly<Model>) => m.views.length < 6;
  async run(m: Model, r: Real) {
    const parent = m.views[this.from % m.views.length]!;
    m.views.push(this.ns ? (parent ? `${parent}/${this.ns}` : this.ns) : parent);
    r.views.push(realView(r, this.from).withNamespace(this.ns));
  }
  toString = () => `withNamespace(${this.from}, ${JSON.stringify(this.ns)})`;
}

class CloseCmd implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    if (m.closed) {
      r.cache = await openLmdbCache({ path: r.path, now: r.clock.now, readCacheBytes: r.readCacheBytes });
      r.views = [r.cache];
      m.views = [""];
      m.closed = false;
    } else {
      await r.cache.close();
      m.closed = true;
    }
  }
  toString = () => "close() or reopen";
}

const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("a", "b", "\0", "\u241F", "\ud800", "\u{1F600}") }, nastyString);
const ttl = fc.option(fc.integer({ min: -5, max: 50 }), { nil: undefined });
const view = fc.nat(7);
const commands = [
  fc.tuple(view, key, fc.jsonValue({ maxDepth: 2 }), ttl).map(([v, k, val, t]) => new SetCmd(v, k, val, t)),
  fc.tuple(view, key, fc.boolean()).map(([v, k, h]) => new GetCmd(v, k, h)),
  fc.tuple(view, key).map(([v, k]) => new DelCmd(v, k)),
  fc
    .tuple(
      view,
      fc.array(
        fc.oneof(
          fc.record({ type: fc.constant("put" as const), key, value: fc.jsonValue({ maxDepth: 1 }), ttlMs: ttl }, { requiredKeys: ["type", "key", "value"] }),
          fc.record({ type: fc.constant("del" as const), key }),
        ),
        { maxLength: 5 },
      ),
    )
    .map(([v, ops]) => new BatchCmd(v, ops as Op[])),
  fc.tuple(view, fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined })).map(([v, l]) => new EntriesCmd(v, l)),
  fc.constant(new SweepCmd()),
  fc.integer({ min: 1, max: 30 }).map((ms) => new AdvanceCmd(ms)),
  fc.tuple(view, fc.oneof(fc.constantFrom("", "n", "a/b"), nastyString.filter((s) => s.length < 50))).map(([v, ns]) => new ViewCmd(v, ns)),
  fc.constant(new CloseCmd()),
];

describe("model", () => {
  it("behaves like an in-memory map with expiry, over every method", async () => {
    await fc.assert(
      // The read cache: as it comes, off, and so small that it keeps few values and forgets often.
      fc.asyncProperty(fc.commands(commands, { maxCommands: 60 }), fc.constantFrom(undefined, 0, 2000), async (cmds, readCacheBytes) => {
        const path = tempDir();
        const clock = manualClock();
        const cache = await openLmdbCache({ path, now: clock.now, readCacheBytes });
        const real: Real = { cache, views: [cache], path, clock, readCacheBytes };
        const model: Model = { data: new Map(), views: [""], time: clock.now(), closed: false };
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        } finally {
          await real.cache.close();
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
