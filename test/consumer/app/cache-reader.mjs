// Reads back what the writers wrote. Usage: cache-reader.mjs <path> <count> <name>...
import { openLmdbCache } from "@promethean/lmdb-cache";

const [path, count, ...names] = process.argv.slice(2);
const cache = await openLmdbCache({ path });
for (const name of names) {
  for (let i = 0; i < Number(count); i++) {
    const value = await cache.get(`${name}:${i}`);
    if (value?.name !== name || value.i !== i) throw new Error(`${name}:${i} read back as ${JSON.stringify(value)}`);
  }
}
await cache.close();
console.log(`${names.length * Number(count)} entries read back`);
