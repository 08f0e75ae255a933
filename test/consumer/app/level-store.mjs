// A level-cache store written as level-cache writes one, with the application's `level` (stored key
// `namespace + "\u241F" + key`, JSON envelope {"v": value, "x": expiry}), and the cache migrated from
// it read back. Usage: level-store.mjs write <levelDir> <count> | level-store.mjs check <cachePath> <count>
import { Level } from "level";
import { openLmdbCache } from "@promethean/lmdb-cache";

const [action, path, count] = process.argv.slice(2);
if (action === "write") {
  const db = new Level(path, { keyEncoding: "utf8", valueEncoding: "json" });
  await db.batch([
    ...Array.from({ length: Number(count) }, (_, i) => ({ type: "put", key: `users\u241Fu${i}`, value: { v: { i }, x: Date.now() + 3_600_000 } })),
    { type: "put", key: "plain", value: { v: "no namespace" } },
    { type: "put", key: "users\u241Fexpired", value: { v: 0, x: Date.now() - 1000 } },
  ]);
  await db.close();
} else {
  const cache = await openLmdbCache({ path });
  const users = cache.withNamespace("users");
  for (let i = 0; i < Number(count); i++) {
    const value = await users.get(`u${i}`);
    if (value?.i !== i) throw new Error(`u${i} read back as ${JSON.stringify(value)}`);
  }
  if ((await cache.get("plain")) !== "no namespace" || (await users.has("expired"))) throw new Error("plain or expired entry wrong");
  await cache.close();
  console.log(`${count} entries and one without a namespace read back`);
}
