// No namespace or key, however it is spelled, reaches another's entries on a real server: not by get,
// not by the SCAN MATCH behind entries() and sweepExpired().
import fc from "fast-check";
import { createClient } from "redis";
import { expect, it } from "vitest";
import { openRedisCache } from "../../lib/redis/index.ts";
import { nastyString } from "../../lib/test-support.ts";
import { describeRedis } from "./server.ts";

const seed = Number(process.env.NAMESPACE_SEED ?? 20_251_202);
const glob = fc.constantFrom("*", "?", "[", "]", "[a]", "\\", ":", "{", "}", "%", "%3A", "\u241F", "\ud800", "\udc00", "a", "");
const text = fc.oneof(nastyString, fc.array(glob, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("")));
const place = fc.record({ prefix: fc.constantFrom("p", "p*", "p?", "p:"), namespace: text, key: text });

describeRedis("Redis namespaces", (server) => {
  it("keep every (prefix, namespace, key) apart in get, entries() and sweepExpired()", async () => {
    const client = createClient({ url: server().url });
    client.on("error", () => undefined);
    await client.connect();
    let run = 0;
    try {
      const details = await fc.check(
        fc.asyncProperty(fc.array(place, { minLength: 1, maxLength: 6 }), async (places) => {
          await client.flushAll();
          run++;
          const open = (prefix: string) => openRedisCache<number>({ client, prefix });
          const expected = new Map<string, number>();
          const id = (p: { prefix: string; namespace: string; key: string }) => JSON.stringify([p.prefix, p.namespace, p.key]);
          for (const [value, p] of places.entries()) {
            await (await open(p.prefix)).withNamespace(p.namespace).set(p.key, value, { ttlMs: value % 2 === 0 ? undefined : 1e9 });
            expected.set(id(p), value);
          }
          for (const p of places) {
            const view = (await open(p.prefix)).withNamespace(p.namespace);
            expect(await view.get(p.key)).toBe(expected.get(id(p)));
            const listed = [];
            for await (const [key, value] of view.entries()) listed.push(id({ ...p, key }) + value);
            const mine = [...expected].filter(([k]) => {
              const [prefix, namespace] = JSON.parse(k) as string[];
              return prefix === p.prefix && namespace === p.namespace;
            });
            expect(listed.sort()).toEqual(mine.map(([k, v]) => k + v).sort());
          }
          // Only the prefix's own entries are swept, and those expired by its clock only.
          const late = await openRedisCache<number>({ client, prefix: places[0]!.prefix, now: () => Date.now() + 2e9 });
          const own = [...expected.keys()].filter((k) => JSON.parse(k)[0] === places[0]!.prefix && expected.get(k)! % 2 === 1);
          expect(await late.sweepExpired()).toBe(own.length);
        }),
        { seed, numRuns: 150 },
      );
      if (details.failed) {
        console.error(`namespace property failed: seed ${details.seed}, path ${details.counterexamplePath}; replay with NAMESPACE_SEED=${details.seed}`);
        throw new Error(fc.defaultReportMessage(details) ?? "namespace property failed");
      }
      expect(run).toBeGreaterThanOrEqual(150);
    } finally {
      await client.close();
    }
  });
});
