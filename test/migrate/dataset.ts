/**
 * A realistic level-cache data set, written with the reference level-cache: several namespaces (some
 * nested, one with a Unicode name), Unicode keys (a few beyond LMDB's key limit), JSON values from a few
 * bytes to tens of KiB, and a mix of TTLs: none, expiring in days, and already expired.
 *
 * Deterministic: the same seed, count and clock give the same entries, so tests regenerate them as
 * the expected result. As a script it writes one to disk:
 *   tsx test/migrate/dataset.ts --out <dir> [--entries 100000] [--seed 1]
 */

import { type LevelCacheApi, openReferenceLevelCache } from "../reference/level-cache.ts";
import { parseCommandLine } from "../../harness/shared/args.ts";

export type DataSetEntry = { namespace: string; key: string; value: unknown; expiry: number | undefined };

/** Namespaces as withNamespace chains, with their share of the entries. */
const NAMESPACES: ReadonlyArray<{ path: string[]; weight: number; kind: "config" | "user" | "session" | "product" | "text" }> = [
  { path: [], weight: 3, kind: "config" },
  { path: ["users"], weight: 20, kind: "user" },
  { path: ["users", "eu"], weight: 10, kind: "user" },
  { path: ["sessions"], weight: 25, kind: "session" },
  { path: ["catalog", "products"], weight: 20, kind: "product" },
  { path: ["catalog", "products", "images"], weight: 10, kind: "text" },
  { path: ["i18n", "日本語"], weight: 12, kind: "text" },
];

const NAMES = ["zoë", "名前", "Ψυχή", "мир", "مرحبا", "🎉party", "naïve café", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "plain", "ﬀ-ligature"];
const WORDS = ["lorem", "ipsum", "日本", "données", "κόσμος", "😀", "مرحبا", "straße", "ñandú", "𝄞", "cache", "level"];

/** A small deterministic generator of numbers in [0, 1) (xorshift32). */
function random(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

export function namespaceOf(path: readonly string[]): string {
  return path.join("/");
}

/** Yields `count` entries; `now` is the clock at which the expired ones are already expired. */
export function* generateDataSet(count: number, seed: number, now: number): Generator<DataSetEntry> {
  const next = random(seed);
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (length: number) => {
    let out = "";
    while (out.length < length) out += pick(WORDS) + " ";
    return out.slice(0, length);
  };
  // Mostly small values, some of a few KiB, a few of tens of KiB.
  const size = () => {
    const roll = next();
    if (roll < 0.6) return 20 + int(400);
    if (roll < 0.9) return 500 + int(3500);
    if (roll < 0.99) return 4000 + int(12_000);
    return 16_000 + int(32_000);
  };
  const totalWeight = NAMESPACES.reduce((sum, ns) => sum + ns.weight, 0);
  for (let i = 0; i < count; i++) {
    let roll = int(totalWeight);
    const ns = NAMESPACES.find((candidate) => (roll -= candidate.weight) < 0)!;
    const key =
      i % 997 === 0
        ? `path/${"ü".repeat(1000)}/${i}` // over LMDB's 1978-byte key limit
        : `${pick(NAMES)}:${i}`;
    let value: unknown;
    switch (ns.kind) {
      case "config":
        value = pick([true, false, null, i, -i / 7, text(int(40)), [1, "two", { three: 3 }]]);
        break;
      case "user":
        value = {
          id: i,
          name: pick(NAMES),
          email: `user${i}@example.com`,
          tags: Array.from({ length: int(5) }, () => pick(WORDS)),
          score: next() * 100,
          active: next() < 0.5,
          address: { city: pick(["Zürich", "東京", "São Paulo", "Kraków"]), zip: String(int(99_999)) },
          bio: text(size()),
        };
        break;
      case "session":
        value = { token: i.toString(36).padStart(12, "0"), userId: int(50_000), flags: [next() < 0.5, null], seen: now - int(1e7) };
        break;
      case "product":
        value = {
          sku: `SKU-${i}`,
          title: text(30),
          price: Math.round(next() * 100_000) / 100,
          description: text(size()),
          variants: Array.from({ length: int(4) }, (_, v) => ({ v, stock: int(100) })),
        };
        break;
      case "text":
        value = text(size());
        break;
    }
    const ttl = next();
    const expiry =
      ttl < 0.35
        ? undefined // never expires
        : ttl < 0.8
          ? now + 86_400_000 + int(6 * 86_400_000) // expires in days
          : now - 60_000 - int(7_200_000); // expired a while ago
    yield { namespace: namespaceOf(ns.path), key, value, expiry };
  }
}

/** Writes the data set into a level-cache directory through the reference; returns the entries written. */
export async function writeDataSet(path: string, count: number, seed: number, now: number): Promise<number> {
  const root = await openReferenceLevelCache<unknown>({ path, now: () => now });
  try {
    const views = new Map<string, LevelCacheApi<unknown>>();
    for (const ns of NAMESPACES) views.set(namespaceOf(ns.path), ns.path.reduce((view, name) => view.withNamespace(name), root));
    const pending = new Map<string, Array<{ type: "put"; key: string; value: unknown; ttlMs?: number }>>();
    const flush = async (namespace: string) => {
      const ops = pending.get(namespace) ?? [];
      pending.set(namespace, []);
      if (ops.length > 0) await views.get(namespace)!.batch(ops);
    };
    let written = 0;
    for (const entry of generateDataSet(count, seed, now)) {
      const ops = pending.get(entry.namespace) ?? [];
      pending.set(entry.namespace, ops);
      // With the clock fixed at `now`, now + ttlMs is exactly the expiry wanted.
      ops.push(entry.expiry === undefined ? { type: "put", key: entry.key, value: entry.value } : { type: "put", key: entry.key, value: entry.value, ttlMs: entry.expiry - now });
      written++;
      if (ops.length >= 500) await flush(entry.namespace);
    }
    for (const namespace of pending.keys()) await flush(namespace);
    return written;
  } finally {
    await root.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseCommandLine({ out: { type: "string" }, entries: { type: "string", default: "100000" }, seed: { type: "string", default: "1" } });
  if (values.out === undefined) {
    console.error("usage: tsx test/migrate/dataset.ts --out <dir> [--entries 100000] [--seed 1]");
    process.exit(2);
  }
  const started = performance.now();
  const written = await writeDataSet(values.out, Number(values.entries), Number(values.seed), Date.now());
  console.log(`wrote ${written} entries to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
