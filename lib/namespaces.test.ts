import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { keysOf, tempDir } from "./test-support.ts";

describe("namespaces", () => {
  it("joins nested namespaces with '/', keeps the default TTL and does not change the parent", async () => {
    const root = await openLmdbCache({ path: tempDir(), namespace: "root" });
    const a = root.withNamespace("a");
    const child = a.withNamespace("child");
    await child.set("y", 42);
    expect(await root.withNamespace("a/child").get("y")).toBe(42);
    expect(await a.get("y")).toBeUndefined();
    expect(root.withNamespace("")).not.toBe(root);
    await root.withNamespace("").set("x", 1);
    expect(await root.get("x")).toBe(1);
    await root.close();
  });

  it("keeps views over one open apart, and views of the root namespace from namespaced entries", async () => {
    const root = await openLmdbCache({ path: tempDir() });
    const views = [root, root.withNamespace("a"), root.withNamespace("b"), root.withNamespace("a\u241Fb")];
    for (const [i, view] of views.entries()) await view.set("x", i);
    for (const [i, view] of views.entries()) expect(await view.get("x")).toBe(i);
    await root.set("a\u241Fb", "root key");
    expect(await root.withNamespace("a").get("b")).toBeUndefined();
    expect(await keysOf(root)).toEqual(["a\u241Fb", "x"]);
    await root.close();
  });

  it("does not alias namespaces holding NUL, \\x01 or lone surrogates", async () => {
    const root = await openLmdbCache({ path: tempDir() });
    const names = ["\0", "\x01", "\0\0", "\x01\x02", "\ud800", "\udc00", "a\0b", "a"];
    for (const [i, ns] of names.entries()) await root.withNamespace(ns).set("k", i);
    for (const [i, ns] of names.entries()) {
      expect(await root.withNamespace(ns).get("k")).toBe(i);
      expect(await keysOf(root.withNamespace(ns))).toEqual(["k"]);
    }
    await root.close();
  });

  it("sweeps every namespace from any view", async () => {
    const root = await openLmdbCache({ path: tempDir() });
    await root.withNamespace("a").set("k", 1, { ttlMs: -1 });
    await root.withNamespace("b/c").set("k", 1, { ttlMs: -1 });
    await root.set("k", 1, { ttlMs: -1 });
    await root.set("live", 1);
    expect(await root.withNamespace("z").sweepExpired()).toBe(3);
    expect(await root.sweepExpired()).toBe(0);
    expect(await root.get("live")).toBe(1);
    await root.close();
  });
});
