import { execa, execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { openLmdbCache } from "./index.ts";
import { fixture, tempDir } from "./test-support.ts";

const writer = fixture("writer.ts");
const node = (args: string[]) => ["--import", "tsx", writer, ...args];

describe("many processes", () => {
  it("sees a write another process finished, on the very next get, without yielding to the event loop", async () => {
    const path = tempDir();
    const cache = await openLmdbCache({ path });
    await cache.set("k", "before");
    expect(await cache.get("k")).toBe("before");
    // A synchronous child blocks this process's event loop: no timer can refresh a read snapshot meanwhile.
    execaSync("node", node([path, "set", "k", '"after"']));
    expect(await cache.get("k")).toBe("after");
    await cache.close();
  });

  it("lets several processes open and write one path at once, losing nothing", async () => {
    const path = tempDir();
    const cache = await openLmdbCache<number>({ path });
    const children = ["a", "b", "c"].map((name) => execa("node", node([path, "count-up", name]), { reject: false }));
    const acks = await Promise.all(
      children.map(
        (child) =>
          new Promise<number>((resolve) => {
            let last = -1;
            child.stdout!.on("data", (chunk: Buffer) => {
              for (const line of chunk.toString().split("\n")) if (line) last = Number(line);
              if (last >= 200) {
                child.kill("SIGKILL");
                resolve(last);
              }
            });
          }),
      ),
    );
    await Promise.all(children);
    for (const [i, name] of ["a", "b", "c"].entries()) {
      for (let n = 0; n <= acks[i]!; n++) expect(await cache.get(`${name}${n}`)).toBe(n);
    }
    await cache.close();
  });

  it("keeps every acknowledged write and no torn batch when a writer is killed with SIGKILL", async () => {
    const path = tempDir();
    for (const stopAfter of [0, 37, 150]) {
      const child = execa("node", node([path, "count-up", `run${stopAfter}-`]), { reject: false });
      const acked = await new Promise<number>((resolve) => {
        let last = -1;
        child.stdout!.on("data", (chunk: Buffer) => {
          for (const line of chunk.toString().split("\n")) if (line) last = Number(line);
          if (last >= stopAfter) {
            child.kill("SIGKILL");
            resolve(last);
          }
        });
      });
      const result = await child;
      expect(result.signal).toBe("SIGKILL");
      const cache = await openLmdbCache<number>({ path });
      const last = (await cache.get(`run${stopAfter}-last`))!;
      expect(last).toBeGreaterThanOrEqual(acked);
      // Each batch wrote key i and "last" = i together: the last one seen must be whole.
      for (let n = 0; n <= last; n++) expect(await cache.get(`run${stopAfter}-${n}`)).toBe(n);
      expect(await cache.get(`run${stopAfter}-${last + 1}`)).toBeUndefined();
      await cache.close();
    }
  });
});
