// The application's own lmdb-js and the cache in one process, each on its own directory.
// Usage: neighbours.mjs <app db dir> <cache dir>
import { open } from "lmdb";
import { openLmdbCache } from "@promethean/lmdb-cache";

const [appDir, cacheDir] = process.argv.slice(2);
const db = open({ path: appDir });
const cache = await openLmdbCache({ path: cacheDir });
for (let i = 0; i < 1000; i++) {
  await db.put(`n${i}`, i);
  await cache.set(`n${i}`, i);
}
for (let i = 0; i < 1000; i++) {
  if (db.get(`n${i}`) !== i || (await cache.get(`n${i}`)) !== i) throw new Error(`n${i} read back wrong`);
}
await cache.close();
await db.close();
console.log("1000 of 1000 values right in each, in one process");
