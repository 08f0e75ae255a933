import { mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { open, type RootDatabase } from "lmdb";
import { checkDataFile } from "./data-file.ts";
import { checkEngine } from "./engine.ts";
import { CacheError, engineFailure } from "./errors.ts";
import { META_KEY } from "./keys.ts";
import type { Durability } from "./types.ts";

// LMDB must not be opened twice by one process, so every open of a path in this process shares
// one environment, counted by reference and closed with its last user.

/** Bumped whenever the stored layout changes; processes of another format refuse to open. */
export const FORMAT = "lmdb-cache/1";
/** Reader slots in the lock file, fixed by the first process that creates it. */
const MAX_READERS = 2048;
/**
 * LMDB 0.9.29 cannot grow its map by itself: a write past the map size fails with MDB_MAP_FULL. So the
 * map is reserved large from the start. This is address space only: a shared file mapping costs no
 * memory until its pages are touched, and the file grows with what is written (the engine's "cover"
 * patch keeps LMDB from stretching it to the map size).
 */
const MAP_BYTES = 256 * 1024 ** 3;
/**
 * Commits write into the shared map instead of copying each page and writing it with pwrite: a
 * single-key commit takes about a quarter of the time. Only where the engine allocates the file's
 * blocks ahead of the pages it hands out (Linux), so that a full disk fails a write instead of
 * killing the process with SIGBUS.
 */
const WRITABLE_MAP = process.platform === "linux";

export type SharedEnv = {
  readonly db: RootDatabase<Buffer, Buffer>;
  readonly path: string;
  readonly durability: Durability;
  users: number;
  readersCheckedAt: number;
};

/**
 * A process killed while reading leaves its snapshot in the reader table, and LMDB cannot reuse any
 * page freed since that snapshot: the file grows while writers go on. LMDB clears dead readers only
 * when asked, so writers ask, at most every 200 ms (it costs about a microsecond).
 */
const READER_CHECK_MS = 200;

export function clearDeadReaders(env: SharedEnv): void {
  const now = performance.now();
  if (now - env.readersCheckedAt < READER_CHECK_MS) return;
  env.readersCheckedAt = now;
  env.db.readerCheck();
}

const opened = new Map<string, Promise<SharedEnv>>();

/**
 * Creates the directory and its missing parents one level at a time: Node's recursive mkdir never
 * returns on a path under /proc, where mkdir fails with ENOENT however often it is retried.
 */
async function makeDirectory(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && (await stat(path)).isDirectory()) return;
    const parent = dirname(path);
    if (code !== "ENOENT" || parent === path || (await exists(parent))) throw error;
    await makeDirectory(parent);
    // Again from the top: another process may create it meanwhile (EEXIST is then fine).
    await makeDirectory(path);
  }
}

const exists = (path: string) => stat(path).then(() => true, () => false);

async function prepareDirectory(path: string): Promise<void> {
  try {
    // Fails with EEXIST when the path is a file, ENOTDIR when a parent is one.
    await makeDirectory(path);
  } catch (error) {
    throw new CacheError("CACHE_INVALID_PATH", `cannot create cache directory ${path}`, { cause: error });
  }
}

function checkFormat(db: RootDatabase<Buffer, Buffer>, path: string): void {
  const meta = db.getBinary(META_KEY);
  if (meta !== undefined) {
    const format = meta.toString("utf8");
    if (format !== FORMAT) {
      throw new CacheError("CACHE_INCOMPATIBLE", `${path} holds format ${JSON.stringify(format)}, expected ${FORMAT}`);
    }
    return;
  }
  db.transactionSync(() => {
    if (db.getBinary(META_KEY) !== undefined) return;
    let foreign = false;
    for (const _ of db.getKeys({ limit: 1 })) foreign = true;
    if (foreign) throw new CacheError("CACHE_INCOMPATIBLE", `${path} holds an LMDB database that is not a cache`);
    db.putSync(META_KEY, Buffer.from(FORMAT, "utf8"));
  });
}

async function openEnv(path: string, durability: Durability): Promise<SharedEnv> {
  checkEngine();
  await prepareDirectory(path);
  await checkDataFile(path);
  let db: RootDatabase<Buffer, Buffer>;
  try {
    db = open<Buffer, Buffer>({
      path,
      noSubdir: false,
      keyEncoding: "binary",
      encoding: "binary",
      maxReaders: MAX_READERS,
      mapSize: MAP_BYTES,
      // Every write is a synchronous commit; "process" skips the fsync, which a process kill does not need.
      noSync: durability === "process",
      overlappingSync: false,
      useWritemap: WRITABLE_MAP,
    });
  } catch (error) {
    throw engineFailure(error, "CACHE_INVALID_PATH", `cannot open an LMDB environment at ${path}`);
  }
  try {
    checkFormat(db, path);
  } catch (error) {
    await db.close();
    throw engineFailure(error, "CACHE_IO", `cannot read the cache at ${path}`);
  }
  return { db, path, durability, users: 0, readersCheckedAt: performance.now() };
}

export async function acquireEnv(path: string, durability: Durability): Promise<SharedEnv> {
  const key = resolve(path);
  let pending = opened.get(key);
  if (pending === undefined) {
    pending = openEnv(key, durability);
    opened.set(key, pending);
    pending.catch(() => opened.delete(key));
  }
  const env = await pending;
  if (env.durability !== durability) {
    throw new CacheError(
      "CACHE_INCOMPATIBLE",
      `${key} is already open in this process with durability "${env.durability}"`,
    );
  }
  env.users++;
  return env;
}

export async function releaseEnv(env: SharedEnv): Promise<void> {
  env.users--;
  if (env.users > 0) return;
  opened.delete(env.path);
  await env.db.close();
}

/**
 * Empties a cache by removing its files, so that the next open starts afresh: the recovery for a
 * damaged cache (`CACHE_CORRUPT` at open). Only when no process has it open: one that does would
 * go on using the removed file.
 */
export async function resetCache(path: string): Promise<void> {
  const dir = resolve(path);
  if (opened.has(dir)) throw new CacheError("CACHE_INCOMPATIBLE", `${dir} is open in this process; close it first`);
  await Promise.all(["data.mdb", "lock.mdb"].map((name) => rm(join(dir, name), { force: true })));
}
