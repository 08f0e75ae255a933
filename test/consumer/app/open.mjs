// Opens a cache and reports the outcome as one JSON line: { ok } or { code, message }, and whether
// the directory exists afterwards. Usage: open.mjs <path>
import { existsSync } from "node:fs";
import { openLmdbCache } from "@promethean/lmdb-cache";

const path = process.argv[2];
try {
  const cache = await openLmdbCache({ path });
  await cache.set("k", 1);
  await cache.close();
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message, created: existsSync(path) }));
}
