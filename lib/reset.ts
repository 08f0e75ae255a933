import { rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isOpenHere } from "./env.ts";
import { CacheError } from "./errors.ts";

// Apart from env.ts so that the declarations the package's entry point publishes reach none of the
// engine's types (env.ts's are in terms of lmdb-js and Node's Buffer): they stand alone in an
// application without @types/node.

/**
 * Empties a cache by removing its files, so that the next open starts afresh: the recovery for a
 * damaged cache (`CACHE_CORRUPT` at open). Only when no process has it open: one that does would
 * go on using the removed file. Refuses (`CACHE_INCOMPATIBLE`) while this process has it open;
 * other processes it cannot see.
 */
export async function resetCache(path: string): Promise<void> {
  const dir = resolve(path);
  const identity = await stat(dir).then(({ dev, ino }) => `${dev}:${ino}`, () => undefined);
  if (identity !== undefined && isOpenHere(identity)) throw new CacheError("CACHE_INCOMPATIBLE", `${dir} is open in this process; close it first`);
  await Promise.all(["data.mdb", "lock.mdb"].map((name) => rm(join(dir, name), { force: true })));
}
