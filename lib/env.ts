import { chmod, mkdir, stat } from "node:fs/promises";
import { constants } from "node:os";
import { dirname, join, resolve } from "node:path";
import { checkDataFile } from "./data-file.ts";
import { type Engine, loadEngine, type RootDatabase } from "./engine/index.ts";
import { CacheError, engineFailure } from "./errors.ts";
import { META_KEY } from "./keys.ts";
import { FORMAT_1, UPGRADING, upgradeChunk } from "./upgrade.ts";
import type { Durability } from "./types.ts";

// LMDB must not be opened twice by one process, so every open of a directory in this thread shares
// one environment, found by the directory's device and inode (any path, relative or through a
// symlink, names the same one), counted by reference and closed with its last user. Worker threads
// and other copies of this package share the engine's environment underneath: the engine looks the
// data file up by device and inode before LMDB opens it (lib/engine/patches/lmdb-js).

/** Bumped whenever the stored layout changes; processes of another format refuse to open (2: the expiry index). */
export const FORMAT = "lmdb-cache/2";
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
  /** The directory's identity in `opened`. */
  readonly id: string;
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

/** Mode of a new cache's files unless `mode` is given: readable and writable by their owner only. */
export const DEFAULT_FILE_MODE = 0o600;

/** A directory gets search permission wherever its files get read permission. */
const directoryMode = (fileMode: number) => fileMode | ((fileMode & 0o444) >> 2);

/** Creates the directory (with the cache's mode when it is new) and returns its identity. */
async function prepareDirectory(path: string, fileMode: number): Promise<string> {
  try {
    const existed = await exists(path);
    // Fails with EEXIST when the path is a file, ENOTDIR when a parent is one.
    await makeDirectory(path);
    // The umask narrows what mkdir grants; a cache shared by a group needs exactly its mode. (When
    // another process created it a moment earlier, that one sets it.)
    if (!existed) await chmod(path, directoryMode(fileMode)).catch(() => undefined);
    const { dev, ino } = await stat(path);
    return `${dev}:${ino}`;
  } catch (error) {
    throw new CacheError("CACHE_INVALID_PATH", `cannot create cache directory ${path}`, { cause: error });
  }
}

/**
 * Reads the format record; creates it in a new cache, and upgrades a cache of format 1 in place, a
 * write transaction at a time, turning the event loop between them (see lib/upgrade.ts).
 */
async function checkFormat(db: RootDatabase<Buffer, Buffer>, path: string): Promise<void> {
  if (db.getBinary(META_KEY)?.toString("utf8") === FORMAT) return;
  while (!db.transactionSync(() => formatStep(db, path))) await new Promise((resolve) => setImmediate(resolve));
}

/** Within a write transaction: whether the cache has this format, after creating its format record or taking its upgrade a step further. */
function formatStep(db: RootDatabase<Buffer, Buffer>, path: string): boolean {
  const meta = db.getBinary(META_KEY);
  if (meta === undefined) {
    for (const _ of db.getKeys({ limit: 1 })) {
      throw new CacheError("CACHE_INCOMPATIBLE", `${path} holds an LMDB database that is not a cache`);
    }
    db.putSync(META_KEY, Buffer.from(FORMAT, "utf8"));
    return true;
  }
  const format = meta.toString("utf8");
  if (format === FORMAT) return true;
  if (format === FORMAT_1 || format === UPGRADING) return upgradeChunk(db, FORMAT);
  throw new CacheError("CACHE_INCOMPATIBLE", `${path} holds format ${JSON.stringify(format)}, expected ${FORMAT}`);
}

async function openEnv(engine: Engine, path: string, id: string, durability: Durability, fileMode: number): Promise<SharedEnv> {
  const created = !(await checkDataFile(path));
  let db: RootDatabase<Buffer, Buffer>;
  try {
    db = engine.open<Buffer, Buffer>({
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
      permissionsMode: fileMode,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === constants.errno.EBUSY) {
      throw new CacheError(
        "CACHE_INCOMPATIBLE",
        `${path} is open in this process through another LMDB (another copy of this package's engine, or lmdb-js): ` +
          "one process must reach a cache through one engine",
        { cause: error },
      );
    }
    throw engineFailure(error, "CACHE_INVALID_PATH", `cannot open an LMDB environment at ${path}`);
  }
  if (created) await applyMode(path, fileMode);
  try {
    await checkFormat(db, path);
  } catch (error) {
    await db.close();
    throw engineFailure(error, "CACHE_IO", `cannot read the cache at ${path}`);
  }
  return { db, path, id, durability, users: 0, readersCheckedAt: performance.now() };
}

/**
 * The umask narrows the mode LMDB creates its files with; the process that created them sets it
 * exactly. Another process may have created them a moment earlier (and set it already): then the
 * chmod fails with EPERM when that process runs as another user, which changes nothing.
 */
async function applyMode(path: string, fileMode: number): Promise<void> {
  await Promise.all(["data.mdb", "lock.mdb"].map((name) => chmod(join(path, name), fileMode).catch(() => undefined)));
}

export async function acquireEnv(path: string, durability: Durability, fileMode = DEFAULT_FILE_MODE): Promise<SharedEnv> {
  const dir = resolve(path);
  // First, so that a missing engine build fails the open before anything is created.
  const engine = await loadEngine();
  const id = await prepareDirectory(dir, fileMode);
  let pending = opened.get(id);
  if (pending === undefined) {
    pending = openEnv(engine, dir, id, durability, fileMode);
    opened.set(id, pending);
    pending.catch(() => opened.delete(id));
  }
  const env = await pending;
  if (env.durability !== durability) {
    throw new CacheError(
      "CACHE_INCOMPATIBLE",
      `${dir} is already open in this process with durability "${env.durability}"`,
    );
  }
  env.users++;
  return env;
}

export async function releaseEnv(env: SharedEnv): Promise<void> {
  env.users--;
  if (env.users > 0) return;
  opened.delete(env.id);
  await env.db.close();
}

/** Whether this thread has the directory of this identity (its device and inode) open. */
export function isOpenHere(id: string): boolean {
  return opened.has(id);
}
