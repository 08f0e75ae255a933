// One of several processes writing one cache. Usage: cache-writer.mjs <path> <name> <count>
import { openLmdbCache } from "@promethean/lmdb-cache";

const [path, name, count] = process.argv.slice(2);
const cache = await openLmdbCache({ path });
for (let i = 0; i < Number(count); i++) await cache.set(`${name}:${i}`, { name, i });
await cache.close();
