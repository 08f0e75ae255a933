// Campaign 5b: a fast-check fuzz of the stored-key function over a million distinct (namespace, key)
// pairs: distinct pairs must get distinct stored keys (checked in memory), and a sample written
// through the real cache must read back its own value.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { openLmdbCache } from "../../lib/index.ts";
import { fullKey, namespacePrefix, storedKey } from "../../lib/keys.ts";
import { atLeast, type CampaignContext, type CampaignFindings, zero } from "./campaign.ts";

export type FuzzSettings = { keys: number; sample: number };

const CHUNK = 1000;
/** The characters that separate or escape in stored keys, and the ones that encode unusually. */
const SPECIAL = ["\0", "\u0001", "\u0002", "/", "\u241F", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\u{1F600}", "\uFFFF", "é", "a"];
const char = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) },
);
const text = (maxLength: number) => fc.string({ unit: char, maxLength });
/** Keys near and past the length at which stored keys are hashed, sharing long prefixes. */
const longKey = fc.tuple(fc.integer({ min: 1850, max: 4000 }), text(4)).map(([n, tail]) => "L".repeat(n) + tail);
const pair = fc.tuple(fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 3, arbitrary: text(6) }), fc.oneof({ weight: 200, arbitrary: text(12) }, { weight: 1, arbitrary: longKey }));

export async function runKeyFuzz(context: CampaignContext, settings: FuzzSettings): Promise<CampaignFindings> {
  const owners = new Map<string, string>();
  const sample: [string, string][] = [];
  const collisions: string[] = [];
  let generated = 0;
  // Enough chunks for the distinct pairs wanted even when short strings repeat; the rest return at once.
  const numRuns = Math.ceil((settings.keys * 2) / CHUNK);
  const outcome = fc.check(
    fc.property(fc.array(pair, { minLength: CHUNK, maxLength: CHUNK }), (chunk) => {
      if (owners.size >= settings.keys) return true;
      for (const [ns, key] of chunk) {
        generated++;
        const id = JSON.stringify([ns, key]);
        const stored = storedKey(fullKey(namespacePrefix(ns), key)).stored.toString("latin1");
        const owner = owners.get(stored);
        if (owner === undefined) {
          owners.set(stored, id);
          if (sample.length < settings.sample) sample.push([ns, key]);
        } else if (owner !== id) {
          collisions.push(`${owner} and ${id}`);
          return false;
        }
      }
      return true;
    }),
    { seed: context.seed, numRuns, endOnFailure: true },
  );
  const distinct = owners.size;
  owners.clear();
  context.log(`key fuzz: ${distinct} distinct pairs, ${collisions.length} collisions`);

  // A sample through the real cache: each pair written with its own value, then every one read back.
  const dir = mkdtempSync(join(tmpdir(), "reliability-fuzz-"));
  let mismatches = 0;
  const failures: string[] = [];
  try {
    const cache = await openLmdbCache<unknown>({ path: join(dir, "cache") });
    const values = fc.sample(fc.jsonValue(), { seed: context.seed, numRuns: sample.length });
    const expected = values.map((value) => JSON.parse(JSON.stringify(value ?? null)) as unknown);
    for (let i = 0; i < sample.length; i += 500) {
      const groups = new Map<string, { type: "put"; key: string; value: unknown }[]>();
      for (let j = i; j < Math.min(i + 500, sample.length); j++) {
        const [ns, key] = sample[j]!;
        groups.set(ns, [...(groups.get(ns) ?? []), { type: "put", key, value: values[j] ?? null }]);
      }
      for (const [ns, ops] of groups) await cache.withNamespace(ns).batch(ops);
    }
    for (const [j, [ns, key]] of sample.entries()) {
      const back = await cache.withNamespace(ns).get(key);
      if (!isDeepStrictEqual(back, expected[j])) {
        mismatches++;
        if (failures.length < 5) failures.push(`${JSON.stringify([ns, key]).slice(0, 120)} read back ${JSON.stringify(back)?.slice(0, 80)}`);
      }
    }
    await cache.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (outcome.failed) failures.push(`collision (seed ${outcome.seed}, path ${outcome.counterexamplePath}): ${collisions[0]?.slice(0, 300)}`);
  return {
    id: "key-fuzz",
    title: "Key fuzz",
    figures: [
      { name: "(namespace, key) pairs generated", value: generated },
      { name: "distinct pairs given their stored key", value: distinct, rule: atLeast(settings.keys) },
      { name: "stored-key collisions between distinct pairs", value: collisions.length, rule: zero },
      { name: "pairs written and read back through the cache", value: sample.length, rule: atLeast(settings.sample) },
      { name: "pairs that read back another value", value: mismatches, rule: zero },
    ],
    tables: [],
    notes: [
      `fast-check (seed ${context.seed}) generates chunks of ${CHUNK} pairs: namespaces and keys of any code points, weighted towards NUL, \\u0001, "/", U+241F, lone surrogates and characters above U+FFFF, with keys of 1850 to 4000 characters that share prefixes (stored hashed past 1900 bytes). Each pair's stored key, storedKey(fullKey(namespacePrefix(ns), key)).stored, must belong to no other pair. The first ${settings.sample} distinct pairs are written with fast-check JSON values and must read back as JSON would give them.`,
    ],
    failures,
  };
}
