import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { describe, expect, it } from "vitest";
import { isCacheError, openLmdbCache } from "./index.ts";
import { fixture, manualClock, tempDir } from "./test-support.ts";

/** A promise and the functions that settle it, for computations the test ends by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

type Racer = { child: ResultPromise<{ stdin: "pipe"; reject: false }>; ready: Promise<void>; output: Promise<string> };

/** A process that opens the cache, and on a line of input calls getOrSet(key) with a compute of `time` ms (or "hang"). */
function racer(path: string, key: string, side: string, time: string): Racer {
  const child = execa("node", ["--import", "tsx", fixture("get-or-set.ts"), path, key, side, time], { stdin: "pipe", reject: false });
  let text = "";
  const ready = new Promise<void>((resolve) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.startsWith("ready\n")) resolve();
    });
  });
  return { child, ready, output: child.then(() => text.slice("ready\n".length).trim()) };
}

const computations = (side: string): string[] => (existsSync(side) ? readFileSync(side, "utf8").split("\n").filter(Boolean) : []);

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("getOrSet", () => {
  it("computes a missing value once, stores it with its TTL, and reads it back after", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache<string>({ path: tempDir(), now: clock.now });
    let calls = 0;
    const compute = async (key: string) => `${key}:${++calls}`;
    expect(await cache.getOrSet("k", compute, { ttlMs: 100 })).toBe("k:1");
    expect(await cache.get("k")).toBe("k:1");
    expect(await cache.getOrSet("k", compute, { ttlMs: 100 })).toBe("k:1");
    clock.advance(100);
    expect(await cache.getOrSet("k", compute, { ttlMs: 100 })).toBe("k:2");
    expect(calls).toBe(2);
    expect(await cache.stats()).toMatchObject({ computes: 2, sets: 2 });
    await cache.close();
  });

  it("stores what compute returns even when that is undefined, and does not compute it again", async () => {
    const cache = await openLmdbCache<undefined>({ path: tempDir() });
    let calls = 0;
    const compute = () => void calls++;
    expect(await cache.getOrSet("k", compute)).toBeUndefined();
    expect(await cache.getOrSet("k", compute)).toBeUndefined();
    expect(calls).toBe(1);
    await cache.close();
  });

  it("shares one computation between concurrent calls of one process, and keeps namespaces apart", async () => {
    const cache = await openLmdbCache<string>({ path: tempDir() });
    const gate = deferred<string>();
    let calls = 0;
    const compute = () => (calls++, gate.promise);
    const calls1 = Array.from({ length: 10 }, () => cache.getOrSet("k", compute));
    const other = cache.withNamespace("other").getOrSet("k", async () => "other");
    gate.resolve("v");
    expect(await Promise.all(calls1)).toEqual(Array(10).fill("v"));
    expect(await other).toBe("other");
    expect(calls).toBe(1);
    await cache.close();
  });

  it("lets a second open of the path wait for the first's computation instead of computing", async () => {
    const path = tempDir();
    const first = await openLmdbCache<string>({ path });
    const second = await openLmdbCache<string>({ path });
    const gate = deferred<string>();
    const owner = first.getOrSet("k", () => gate.promise);
    let secondComputed = false;
    const waiter = second.getOrSet("k", async () => ((secondComputed = true), "second"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    gate.resolve("first");
    expect(await owner).toBe("first");
    expect(await waiter).toBe("first");
    expect(secondComputed).toBe(false);
    await first.close();
    await second.close();
  });

  it("runs compute once across processes that ask at once, and every process gets its value", async () => {
    const path = tempDir();
    const side = join(path, "computations");
    await (await openLmdbCache({ path })).close();
    const racers = Array.from({ length: 4 }, () => racer(path, "cold", side, "200"));
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.child.stdin!.write("go\n");
    const outputs = await Promise.all(racers.map((r) => r.output));
    const [owner] = computations(side);
    expect(computations(side)).toHaveLength(1);
    expect(outputs).toEqual(Array(4).fill(JSON.stringify(`from ${owner}`)));
  });

  it("runs compute once across worker threads and the main thread of one process", async () => {
    const { stdout } = await execa("node", ["--import", "tsx", fixture("get-or-set-threads.ts"), tempDir(), "3"]);
    const result = JSON.parse(stdout) as { computations: number; values: string[] };
    expect(result.computations).toBe(1);
    expect(result.values).toEqual(Array(4).fill("computed 1"));
  });

  it("takes over at once from an owner process that was killed mid-computation, long before its lease ends", async () => {
    const path = tempDir();
    const side = join(path, "computations");
    const owner = racer(path, "k", side, "hang");
    await owner.ready;
    owner.child.stdin!.write("go\n");
    await until(() => computations(side).length === 1);
    const cache = await openLmdbCache<string>({ path });
    const waiting = cache.getOrSet("k", async () => "taken over", { leaseMs: 600_000, waitMs: 600_000 });
    owner.child.kill("SIGKILL");
    await owner.child;
    // The dead owner's lease (600 s) would hold any waiter that trusted it: only noticing the death explains this.
    expect(await waiting).toBe("taken over");
    expect(await cache.get("k")).toBe("taken over");
    await cache.close();
  });

  it("takes over from a killed owner that its parent has not reaped yet (a zombie)", async () => {
    const path = tempDir();
    const side = join(path, "computations");
    // The owner's parent is a shell that execs sleep, which never reaps it.
    const owner = `node --import tsx ${fixture("get-or-set.ts")} ${path} k ${side} hang now >/dev/null & echo $!; exec sleep 120`;
    const parent = execa("sh", ["-c", owner], { reject: false });
    const pid = await new Promise<number>((resolve) => parent.stdout!.once("data", (chunk: Buffer) => resolve(Number(chunk.toString()))));
    try {
      await until(() => computations(side).length === 1);
      process.kill(pid, "SIGKILL");
      await until(() => readFileSync(`/proc/${pid}/stat`, "latin1").split(") ")[1]!.startsWith("Z"));
      const cache = await openLmdbCache<string>({ path });
      expect(await cache.getOrSet("k", async () => "taken over", { leaseMs: 600_000, waitMs: 600_000 })).toBe("taken over");
      await cache.close();
    } finally {
      parent.kill("SIGKILL");
      await parent;
    }
  });

  it("lets another caller take over when the owner outlives its lease; the late owner stores nothing", async () => {
    const path = tempDir();
    const first = await openLmdbCache<string>({ path });
    const second = await openLmdbCache<string>({ path });
    const slow = deferred<string>();
    const late = first.getOrSet("k", () => slow.promise, { leaseMs: 30 });
    expect(await second.getOrSet("k", async () => "second", { leaseMs: 60_000 })).toBe("second");
    slow.resolve("late");
    expect(await late).toBe("late");
    expect(await first.get("k")).toBe("second");
    await first.close();
    await second.close();
  });

  it("rejects the owner's callers with compute's error, stores nothing, and lets the next caller compute at once", async () => {
    const path = tempDir();
    const first = await openLmdbCache<string>({ path });
    const second = await openLmdbCache<string>({ path });
    const failing = deferred<string>();
    const boom = new Error("boom");
    const owner = first.getOrSet("k", () => failing.promise, { leaseMs: 600_000 });
    const sharer = first.getOrSet("k", async () => "never");
    const waiter = second.getOrSet("k", async () => "next", { waitMs: 600_000 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    failing.reject(boom);
    await expect(owner).rejects.toBe(boom);
    await expect(sharer).rejects.toBe(boom);
    // The other open was waiting on the claim; the claim went with the failure, and it computed next.
    expect(await waiter).toBe("next");
    expect(await first.get("k")).toBe("next");
    await first.close();
    await second.close();
  });

  it("drops its claim when the computed value cannot be stored, so the next caller computes at once", async () => {
    const path = tempDir();
    const cache = await openLmdbCache<unknown>({ path });
    const other = await openLmdbCache<unknown>({ path });
    await expect(cache.getOrSet("k", async () => () => "a function", { leaseMs: 600_000 })).rejects.toMatchObject({ code: "CACHE_INVALID_VALUE" });
    expect(await other.getOrSet("k", async () => "stored", { waitMs: 0 })).toBe("stored");
    await other.close();
    await cache.close();
  });

  it("rejects with CACHE_TIMEOUT when waitMs passes, and writes nothing", async () => {
    const path = tempDir();
    const first = await openLmdbCache<string>({ path });
    const second = await openLmdbCache<string>({ path });
    const slow = deferred<string>();
    const owner = first.getOrSet("k", () => slow.promise);
    let computed = false;
    const error = await second.getOrSet("k", async () => ((computed = true), "x"), { waitMs: 40 }).catch((e: unknown) => e);
    expect(isCacheError(error, "CACHE_TIMEOUT")).toBe(true);
    expect(computed).toBe(false);
    expect(await second.get("k")).toBeUndefined();
    slow.resolve("v");
    expect(await owner).toBe("v");
    await first.close();
    await second.close();
  });

  it("releases this open's claims at close, so another caller need not wait out the lease", async () => {
    const path = tempDir();
    const first = await openLmdbCache<string>({ path });
    const second = await openLmdbCache<string>({ path });
    const never = deferred<string>();
    const abandoned = first.getOrSet("k", () => never.promise, { leaseMs: 600_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await first.close();
    expect(await second.getOrSet("k", async () => "second", { waitMs: 600_000 })).toBe("second");
    never.resolve("too late");
    await expect(abandoned).rejects.toMatchObject({ code: "CACHE_CLOSED" });
    expect(await second.get("k")).toBe("second");
    await second.close();
  });

  it("refreshes early when XFetch's draw says so, and serves the live value to callers meanwhile", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache<number>({ path: tempDir(), now: clock.now });
    let version = 0;
    const compute = async () => ++version;
    const never = { ttlMs: 1000, earlyRefresh: 1, random: () => 1 };
    const always = { ttlMs: 1000, earlyRefresh: 1, random: () => 0 };
    expect(await cache.getOrSet("k", compute, never)).toBe(1);
    clock.advance(999);
    // ln(1) = 0: never before expiry.
    expect(await cache.getOrSet("k", compute, never)).toBe(1);
    // ln(0) = −∞: always.
    const gate = deferred<void>();
    const refreshing = cache.getOrSet("k", async () => (await gate.promise, compute()), always);
    expect(await cache.getOrSet("k", compute, always)).toBe(1);
    gate.resolve();
    expect(await refreshing).toBe(2);
    expect(await cache.get("k")).toBe(2);
    // Without earlyRefresh, no draw is made and nothing is refreshed.
    clock.advance(999);
    expect(await cache.getOrSet("k", compute, { random: () => 0 })).toBe(2);
    await cache.close();
  });

  it("refreshes early only values that have an expiry and a recorded computation time", async () => {
    const clock = manualClock();
    const cache = await openLmdbCache<string>({ path: tempDir(), now: clock.now });
    const always = { earlyRefresh: 1, random: () => 0 };
    await cache.set("set-by-set", "kept", { ttlMs: 1000 });
    expect(await cache.getOrSet("set-by-set", async () => "refreshed", always)).toBe("kept");
    expect(await cache.getOrSet("no-ttl", async () => "first", always)).toBe("first");
    expect(await cache.getOrSet("no-ttl", async () => "refreshed", always)).toBe("first");
    await cache.close();
  });

  it("takes the value another caller refreshed meanwhile instead of refreshing it again", async () => {
    const clock = manualClock();
    const path = tempDir();
    const cache = await openLmdbCache<string>({ path, now: clock.now });
    const other = await openLmdbCache<string>({ path, now: clock.now });
    await cache.getOrSet("k", async () => "old", { ttlMs: 1000, earlyRefresh: 1 });
    // The draw is taken after the read and before the claim: another open rewrites the value then.
    const rewriteThenDraw = () => (void other.set("k", "fresh", { ttlMs: 5000 }), 0);
    let computed = false;
    const value = await cache.getOrSet("k", async () => ((computed = true), "mine"), { ttlMs: 1000, earlyRefresh: 1, random: rewriteThenDraw });
    expect(value).toBe("fresh");
    expect(computed).toBe(false);
    await other.close();
    await cache.close();
  });

  it("serves the live value while another open refreshes it", async () => {
    const clock = manualClock();
    const path = tempDir();
    const cache = await openLmdbCache<string>({ path, now: clock.now });
    const other = await openLmdbCache<string>({ path, now: clock.now });
    const always = { ttlMs: 1000, earlyRefresh: 1, random: () => 0 };
    await cache.getOrSet("k", async () => "live", always);
    const slow = deferred<string>();
    const refreshing = other.getOrSet("k", () => slow.promise, always);
    expect(await cache.getOrSet("k", async () => "second refresh", always)).toBe("live");
    slow.resolve("refreshed");
    expect(await refreshing).toBe("refreshed");
    expect(await cache.get("k")).toBe("refreshed");
    await other.close();
    await cache.close();
  });

  it("leaves the new owner's claim alone when a late owner's compute fails", async () => {
    const path = tempDir();
    const first = await openLmdbCache<string>({ path });
    const second = await openLmdbCache<string>({ path });
    const late = deferred<string>();
    const lost = first.getOrSet("k", () => late.promise, { leaseMs: 30 });
    const slow = deferred<string>();
    const owner = second.getOrSet("k", () => slow.promise, { leaseMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    late.reject(new Error("late failure"));
    await expect(lost).rejects.toThrow("late failure");
    // The second open's claim still holds: a third caller waits instead of computing.
    let thirdComputed = false;
    const third = first.getOrSet("k", async () => ((thirdComputed = true), "third"), { waitMs: 60_000 });
    slow.resolve("second");
    expect(await owner).toBe("second");
    expect(await third).toBe("second");
    expect(thirdComputed).toBe(false);
    await first.close();
    await second.close();
  });

  it("evicts to make room for a computed value in a bounded cache", async () => {
    const cache = await openLmdbCache<string>({ path: tempDir(), maxSizeBytes: 256 * 1024 });
    for (let i = 0; i < 400; i++) await cache.set(`fill${i}`, "v".repeat(1000));
    expect(await cache.getOrSet("computed", async () => "c".repeat(1000))).toBe("c".repeat(1000));
    expect(await cache.get("computed")).toBe("c".repeat(1000));
    expect((await cache.stats()).bytes).toBeLessThanOrEqual(256 * 1024);
    await cache.close();
  });

  it("removes ended claims and the timings of expired values in sweepExpired, counting entries only", async () => {
    const clock = manualClock();
    const path = tempDir();
    const cache = await openLmdbCache<number>({ path, now: clock.now });
    await cache.getOrSet("timed", async () => 1, { ttlMs: 10, earlyRefresh: 1 });
    const never = deferred<number>();
    const abandoned = cache.getOrSet("claimed", () => never.promise, { leaseMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await cache.stats()).entries).toBe(1);
    clock.advance(10);
    expect(await cache.sweepExpired()).toBe(1);
    // The claim went with the sweep: another open computes at once even with the owner alive.
    const other = await openLmdbCache<number>({ path, now: clock.now });
    expect(await other.getOrSet("claimed", async () => 2, { waitMs: 0 })).toBe(2);
    never.resolve(3);
    expect(await abandoned).toBe(3);
    expect(await other.get("claimed")).toBe(2);
    await other.close();
    await cache.close();
  });

  it("rejects bad input with a typed error and writes nothing", async () => {
    const cache = await openLmdbCache({ path: tempDir() });
    const ok = async () => 1;
    const bad: Array<[unknown, unknown, unknown, string]> = [
      [1, ok, undefined, "CACHE_INVALID_KEY"],
      ["k", "not a function", undefined, "CACHE_INVALID_OPTION"],
      ["k", null, undefined, "CACHE_INVALID_OPTION"],
      ["k", undefined, undefined, "CACHE_INVALID_OPTION"],
      ["k", ok, 5, "CACHE_INVALID_OPTION"],
      ["k", ok, { leaseMs: -1 }, "CACHE_INVALID_OPTION"],
      ["k", ok, { leaseMs: 0 }, "CACHE_INVALID_OPTION"],
      ["k", ok, { leaseMs: Infinity }, "CACHE_INVALID_OPTION"],
      ["k", ok, { waitMs: Number.NaN }, "CACHE_INVALID_OPTION"],
      ["k", ok, { waitMs: -5 }, "CACHE_INVALID_OPTION"],
      ["k", ok, { earlyRefresh: -1 }, "CACHE_INVALID_OPTION"],
      ["k", ok, { random: 0.5 }, "CACHE_INVALID_OPTION"],
      ["k", ok, { ttlMs: "1" }, "CACHE_INVALID_TTL"],
    ];
    for (const [key, compute, opts, code] of bad) {
      const call = cache.getOrSet as (...args: unknown[]) => Promise<unknown>;
      await expect(call(key, compute, opts)).rejects.toMatchObject({ code });
    }
    expect((await cache.stats()).entries).toBe(0);
    await cache.close();
    await expect(cache.getOrSet("k", ok)).rejects.toMatchObject({ code: "CACHE_CLOSED" });
  });
});
