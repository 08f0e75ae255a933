// Two processes on one keyv store: this one and test/keyv/keyv-process.ts, each with its own keyv
// (and cache-manager) on a store at the same path, both open the whole time.
import { fileURLToPath } from "node:url";
import { createCache } from "cache-manager";
import Keyv from "keyv";
import { afterEach, describe, expect, it } from "vitest";
import { Child } from "../../harness/shared/child.ts";
import { KeyvLmdbCache } from "../../lib/keyv/index.ts";
import { tempDir } from "../../lib/test-support.ts";
import type { KeyvAnswer, KeyvCall } from "./keyv-process.ts";

const SCRIPT = fileURLToPath(new URL("./keyv-process.ts", import.meta.url));
const opened: Array<{ child: Child<KeyvAnswer>; keyv: Keyv }> = [];

/** This process's keyv and the other process's, on one path, in one keyv namespace. */
async function twoProcesses(namespace = "keyv") {
  const path = tempDir();
  const child = new Child<KeyvAnswer>(SCRIPT, [JSON.stringify({ path, namespace })], { tsx: true, ipc: true });
  const keyv = new Keyv({ store: new KeyvLmdbCache({ path }), namespace, throwOnErrors: true });
  opened.push({ child, keyv });
  await child.next("ready");
  const other = async (call: KeyvCall): Promise<unknown> => {
    await child.send(call);
    const reply = await child.next("answer", "failed");
    if (reply.type === "failed") throw new Error(`the other process failed: ${reply.code}`);
    return reply.value;
  };
  return { path, keyv, other };
}

afterEach(async () => {
  for (const { child, keyv } of opened.splice(0)) {
    await child.send({ type: "done" } satisfies KeyvCall);
    await child.done();
    await keyv.disconnect();
  }
});

// Over IPC (JSON) a missing value arrives as null.
const missing = null;

describe("two processes on one keyv store", () => {
  it("see each other's writes and deletes on their next call", async () => {
    const { keyv, other } = await twoProcesses();
    await keyv.set("from-here", { n: 1 });
    expect(await other({ type: "get", keys: ["from-here"] })).toEqual([{ n: 1 }]);
    const entries = Array.from({ length: 50 }, (_, i) => ({ key: `there-${i}`, value: [i] }));
    await other({ type: "setMany", entries });
    expect(await keyv.getMany(entries.map(({ key }) => key))).toEqual(entries.map(({ value }) => value));
    expect(await other({ type: "delete", key: "from-here" })).toBe(true);
    expect(await keyv.get("from-here")).toBeUndefined();
  });

  it("write at the same time and lose nothing", async () => {
    const { keyv, other } = await twoProcesses();
    const here = (async () => {
      for (let batch = 0; batch < 20; batch++) {
        await keyv.setMany(Array.from({ length: 10 }, (_, i) => ({ key: `here-${batch * 10 + i}`, value: batch * 10 + i })));
      }
    })();
    const [, filled] = await Promise.all([here, other({ type: "fill", prefix: "there-", batches: 20, size: 10 })]);
    expect(filled).toBe(200);
    const keys = Array.from({ length: 200 }, (_, i) => [`here-${i}`, `there-${i}`]).flat();
    const values = Array.from({ length: 200 }, (_, i) => [i, i]).flat();
    expect(await keyv.getMany(keys)).toEqual(values);
    expect(await other({ type: "get", keys })).toEqual(values);
  });

  it("a clear() in one removes the namespace for the other, and nothing else", async () => {
    const { path, keyv, other } = await twoProcesses("sessions");
    const neighbour = new Keyv({ store: new KeyvLmdbCache({ path }), namespace: "users" });
    await keyv.setMany([{ key: "a", value: 1 }, { key: "b", value: 2 }]);
    await neighbour.set("a", "kept");
    await other({ type: "clear" });
    expect(await keyv.getMany(["a", "b"])).toEqual([undefined, undefined]);
    expect(await neighbour.get("a")).toBe("kept");
    expect(await other({ type: "get", keys: ["a"] })).toEqual([missing]);
    await neighbour.disconnect();
  });

  it("cache-manager's wrap in one finds the value the other computed", async () => {
    const { keyv, other } = await twoProcesses();
    const computedThere = await other({ type: "wrap", key: "report" });
    expect(computedThere).toMatch(/^computed in \d+$/);
    const manager = createCache({ stores: [keyv] });
    expect(await manager.wrap("report", async () => "computed here", 60_000)).toBe(computedThere);
  });
});
