import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { DEFAULT_COMPRESS_ABOVE, decodePayload, encodeRecord, expiryOfRecord, readHead, withFullKey } from "./codec.ts";
import { acquireEnv, DEFAULT_FILE_MODE, releaseEnv, type SharedEnv } from "./env.ts";
import { loadEngine, type RootDatabase } from "./engine/index.ts";
import { CacheError } from "./errors.ts";
import { removeEntry } from "./core.ts";
import { countIndexed, reindex } from "./expiry-index.ts";
import { ALL_ENTRIES, fullKey, namespacePrefix, type StoredKey, storedKey } from "./keys.ts";
import { wtf8Decode } from "./wtf8.ts";

// Copies a level-cache directory into a cache of this library. level-cache stores
// `namespace + "\u241F" + key` with the JSON envelope {"v": value, "x": expiry}; a stored key is split
// at its first U+241F (level-cache itself cannot tell `ns "a", key "b\u241Fc"` from `ns "a\u241Fb", key "c"`).
//
// All or nothing, with other processes free to keep the target open: the source is read into a
// staging LMDB beside the target (only what differs from the target), then every change is applied in
// ONE write transaction on the target, with the expiry index records of what it adds, replaces and
// removes. Readers in other processes see the target before or after it, never between; their writers
// wait for that transaction. A run that fails or is killed before the commit leaves the target as it
// was (LMDB commits atomically) and at most a staging directory, which the next run removes. The target ends up holding exactly the source's live entries: target entries
// that are not live in the source are deleted, including any written by other processes during the run.
//
// The source is only read, and kept open (so locked) for the whole run; LevelDB may still tidy its own
// log and manifest files when opened, as it does for every open by level-cache, without changing an
// entry. Memory: about a hundred bytes per live entry (the set of keys that stay) plus one batch of the
// source; during the commit LMDB holds the pages it writes, about the size of what changed.

/** How far a migration has come: `done` of `total` in the current phase. */
export type MigrateProgress = Readonly<{ phase: "scan" | "commit" | "verify"; done: number; total: number }>;

export type MigrateOptions = Readonly<{
  /** The level-cache directory; only read. */
  from: string;
  /** The directory of this library's cache; created when missing. */
  to: string;
  /** Compare every key, value and expiry of the source's live entries with the target afterwards. */
  verify?: boolean;
  /** Read and compare only: report what a migration would do, write nothing. */
  dryRun?: boolean;
  onProgress?: (progress: MigrateProgress) => void;
  /** The clock deciding which source entries are expired; `Date.now` unless given. */
  now?: () => number;
}>;

/** A difference --verify found: a live source entry missing or different in the target, or a target entry the source lacks. */
export type MigrateMismatch = Readonly<{ namespace: string; key: string; problem: "missing" | "value" | "expiry" | "extra" }>;

export type MigrateSummary = Readonly<{
  /** Source records read. */
  scanned: number;
  /** Live entries written to the target (in a dry run: that would be): added plus changed. */
  copied: number;
  added: number;
  changed: number;
  /** Live entries the target already held with the same value and expiry. */
  unchanged: number;
  /** Source entries already expired, not copied. */
  skippedExpired: number;
  /** Source records that are not a level-cache envelope (level-cache reads them as missing), not copied. */
  unreadable: number;
  /** Target entries removed because the source has no live entry under their key. */
  deleted: number;
  /** Live source entries found identical in the target (0 unless `verify`). */
  verified: number;
  /** Number of mismatches --verify found; the first ones are listed in `mismatches`. */
  mismatchCount: number;
  mismatches: ReadonlyArray<MigrateMismatch>;
  dryRun: boolean;
  seconds: number;
}>;

type Db = RootDatabase<Buffer, Buffer>;

const SEPARATOR = "\u241F";
const MISMATCHES_LISTED = 100;
const PROGRESS_EVERY = 1000;
const STAGING_MARK = ".migrate-";

type Batches<T> = { nextv(size: number): Promise<T[]>; close(): Promise<void> };

type SourceDb = {
  open(options: { createIfMissing: boolean }): Promise<void>;
  close(): Promise<void>;
  keys(): Batches<string>;
  iterator(): Batches<[string, string]>;
};

/**
 * Reads a level iterator a thousand entries at a time, the next thousand being read by level's thread
 * pool while the caller works on the current ones.
 */
async function* batches<T>(iterator: Batches<T>): AsyncGenerator<T[]> {
  let pending = iterator.nextv(1000);
  try {
    for (let batch = await pending; batch.length > 0; batch = await pending) {
      pending = iterator.nextv(1000);
      yield batch;
    }
  } finally {
    await Promise.allSettled([pending]);
    await iterator.close();
  }
}

/** A source record read as level-cache would: its logical place, value and expiry. */
type SourceEntry = { namespace: string; key: string; value: unknown; expiry: number | undefined };

function split(stored: string): { namespace: string; key: string } {
  const at = stored.indexOf(SEPARATOR);
  return at < 0 ? { namespace: "", key: stored } : { namespace: stored.slice(0, at), key: stored.slice(at + 1) };
}

function parseEnvelope(stored: string, text: string): SourceEntry | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof envelope !== "object" || envelope === null || Array.isArray(envelope)) return undefined;
  const { v, x } = envelope as { v?: unknown; x?: unknown };
  // As level-cache reads it: only a numeric x is an expiry.
  return { ...split(stored), value: v, expiry: typeof x === "number" ? x : undefined };
}

function checkOptions(opts: MigrateOptions): void {
  if (typeof opts !== "object" || opts === null) {
    throw new CacheError("CACHE_INVALID_OPTION", "migrateFromLevel takes an options object");
  }
  for (const name of ["from", "to"] as const) {
    if (typeof opts[name] !== "string" || opts[name] === "") {
      throw new CacheError("CACHE_INVALID_PATH", `${name} must be a non-empty string`);
    }
  }
  if (resolve(opts.from) === resolve(opts.to)) {
    throw new CacheError("CACHE_INVALID_PATH", "from and to must be different directories");
  }
  for (const name of ["onProgress", "now"] as const) {
    if (opts[name] !== undefined && typeof opts[name] !== "function") {
      throw new CacheError("CACHE_INVALID_OPTION", `${name} must be a function`);
    }
  }
}

/** Opens the level-cache directory; `level` is loaded only here, so only migrating needs it installed. */
async function openSource(path: string): Promise<SourceDb> {
  let Level: new (path: string, options: object) => SourceDb;
  try {
    ({ Level } = (await import("level")) as unknown as { Level: typeof Level });
  } catch (error) {
    throw new CacheError(
      "CACHE_MISSING_DEPENDENCY",
      "migrating from level-cache needs the `level` package, an optional peer dependency: `npm install level`",
      { cause: error },
    );
  }
  // LevelDB creates the directory and its lock file before it finds no database there: look first.
  if (!existsSync(join(path, "CURRENT"))) {
    throw new CacheError("CACHE_INVALID_PATH", `${path} holds no level-cache database`);
  }
  const db = new Level(path, { keyEncoding: "utf8", valueEncoding: "utf8" });
  try {
    await db.open({ createIfMissing: false });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (cause?.code === "LEVEL_LOCKED") {
      throw new CacheError(
        "CACHE_SOURCE_LOCKED",
        `${path} is open in a running application (LEVEL_LOCKED): stop it, then migrate`,
        { cause },
      );
    }
    throw new CacheError("CACHE_INVALID_PATH", `no level-cache database can be opened at ${path}`, { cause: error });
  }
  return db;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Staging directories of killed runs beside the target: `.<target>.migrate-<pid>-<random>`. */
async function removeStaleStaging(target: string): Promise<void> {
  const parent = dirname(target);
  const prefix = `.${basename(target)}${STAGING_MARK}`;
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (!isAlive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
}

/** The target entry under `slot` if it is the one for that key (a hashed slot holds its full key). */
function targetRecord(db: Db, slot: StoredKey): Buffer | undefined {
  const record = db.getBinary(slot.stored);
  if (record === undefined || slot.full === undefined) return record;
  const full = readHead(record).full;
  return full !== undefined && full.equals(slot.full) ? record : undefined;
}

/** The record this library stores for a source entry. */
function recordOf(entry: SourceEntry, slot: StoredKey): Buffer {
  return withFullKey(encodeRecord(entry.value, "json", entry.expiry, DEFAULT_COMPRESS_ABOVE), slot.full);
}

/** Whether a target record holds exactly this value and expiry: the same bytes, or else the same decoded value. */
function holds(record: Buffer, entry: SourceEntry, encoded: Buffer): boolean {
  if (record.equals(encoded)) return true;
  const head = readHead(record);
  return head.expiry === entry.expiry && isDeepStrictEqual(decodePayload(record, head), entry.value);
}

/** The namespace and key of a target entry, for reporting it. */
function describeKey(db: Db, stored: Buffer): { namespace: string; key: string } {
  const full = readHead(db.getBinary(stored)!).full ?? stored;
  const end = full.indexOf(0);
  // The namespace part has 0x00 and 0x01 escaped as 0x01 0x01 and 0x01 0x02.
  const namespace: number[] = [];
  for (let i = 0; i < end; i++) namespace.push(full[i] === 0x01 ? full[++i]! - 1 : full[i]!);
  return { namespace: wtf8Decode(Buffer.from(namespace)), key: wtf8Decode(full.subarray(end + 1)) };
}

type Counts = Omit<MigrateSummary, "copied" | "verified" | "mismatchCount" | "mismatches" | "dryRun" | "seconds">;

/** One run: the source, the target (absent in a dry run of a missing target), and what was found. */
class Migration {
  readonly counts: { -readonly [K in keyof Counts]: number } = {
    scanned: 0,
    added: 0,
    changed: 0,
    unchanged: 0,
    skippedExpired: 0,
    unreadable: 0,
    deleted: 0,
  };
  /** Stored keys (as latin1) of the source's live entries in the target: everything else there is deleted. */
  private readonly live = new Set<string>();
  private readonly prefixes = new Map<string, Buffer>();

  constructor(
    private readonly source: SourceDb,
    private readonly db: Db | undefined,
    private readonly now: number,
    private readonly onProgress: (progress: MigrateProgress) => void,
  ) {}

  private progress(phase: MigrateProgress["phase"], done: number, total: number): void {
    if (done % PROGRESS_EVERY === 0 || done === total) this.onProgress({ phase, done, total });
  }

  private slotOf(entry: SourceEntry): StoredKey {
    let prefix = this.prefixes.get(entry.namespace);
    if (prefix === undefined) this.prefixes.set(entry.namespace, (prefix = namespacePrefix(entry.namespace)));
    return storedKey(fullKey(prefix, entry.key));
  }

  private isExpired(entry: SourceEntry): boolean {
    return entry.expiry !== undefined && entry.expiry <= this.now;
  }

  /** Target keys that hold no live source entry. */
  private extra(db: Db): Buffer[] {
    const keys: Buffer[] = [];
    for (const key of db.getKeys({ start: ALL_ENTRIES.start, end: ALL_ENTRIES.end })) {
      if (!this.live.has(key.toString("latin1"))) keys.push(Buffer.from(key));
    }
    return keys;
  }

  /** Reads the source; every live entry the target lacks or holds differently goes to `stage`. */
  async scan(stage: Db | undefined): Promise<void> {
    const { counts, db } = this;
    let total = 0;
    for await (const keys of batches(this.source.keys())) total += keys.length;
    this.progress("scan", 0, total);
    for await (const batch of batches(this.source.iterator())) {
      const changes: Array<[Buffer, Buffer]> = [];
      for (const [stored, text] of batch) {
        this.progress("scan", ++counts.scanned, total);
        const entry = parseEnvelope(stored, text);
        if (entry === undefined) {
          counts.unreadable++;
          continue;
        }
        if (this.isExpired(entry)) {
          counts.skippedExpired++;
          continue;
        }
        const slot = this.slotOf(entry);
        this.live.add(slot.stored.toString("latin1"));
        const record = recordOf(entry, slot);
        const current = db && targetRecord(db, slot);
        if (current !== undefined && holds(current, entry, record)) {
          counts.unchanged++;
          continue;
        }
        counts[current === undefined ? "added" : "changed"]++;
        changes.push([slot.stored, record]);
      }
      if (stage && changes.length > 0) stage.transactionSync(() => changes.forEach(([key, record]) => stage.putSync(key, record)));
    }
    if (db && !stage) this.counts.deleted = this.extra(db).length;
  }

  /** Applies the staged changes and the deletions in one write transaction on the target. */
  commit(db: Db, stage: Db): void {
    const changes = this.counts.added + this.counts.changed;
    db.transactionSync(() => {
      let done = 0;
      let indexed = 0;
      this.progress("commit", 0, changes);
      for (const { key, value } of stage.getRange()) {
        const owner = readHead(value).full;
        const current = db.getBinary(key);
        if (owner !== undefined && current !== undefined && !readHead(current).full?.equals(owner)) {
          throw new CacheError("CACHE_KEY_COLLISION", "two long keys share a hashed slot; nothing was migrated");
        }
        db.putSync(key, value);
        indexed += reindex(db, key, expiryOfRecord(current), expiryOfRecord(value));
        this.progress("commit", ++done, changes);
      }
      for (const key of this.extra(db)) {
        indexed += removeEntry(db, key, expiryOfRecord(db.getBinary(key)));
        this.counts.deleted++;
      }
      countIndexed(db, indexed);
    });
  }

  /** Compares every live source entry with the target, and looks for target entries the source lacks. */
  async verify(): Promise<Pick<MigrateSummary, "verified" | "mismatchCount" | "mismatches">> {
    const { db } = this;
    const mismatches: MigrateMismatch[] = [];
    let mismatchCount = 0;
    let verified = 0;
    const mismatch = (item: MigrateMismatch) => {
      mismatchCount++;
      if (mismatches.length < MISMATCHES_LISTED) mismatches.push(item);
    };
    db?.resetReadTxn();
    let checked = 0;
    this.progress("verify", 0, this.live.size);
    for await (const batch of batches(this.source.iterator())) {
      for (const [stored, text] of batch) {
        const entry = parseEnvelope(stored, text);
        if (entry === undefined || this.isExpired(entry)) continue;
        this.progress("verify", ++checked, this.live.size);
        const slot = this.slotOf(entry);
        const record = db && targetRecord(db, slot);
        const where = { namespace: entry.namespace, key: entry.key };
        if (record === undefined) mismatch({ ...where, problem: "missing" });
        else if (readHead(record).expiry !== entry.expiry) mismatch({ ...where, problem: "expiry" });
        else if (!holds(record, entry, recordOf(entry, slot))) mismatch({ ...where, problem: "value" });
        else verified++;
      }
    }
    if (db) for (const key of this.extra(db)) mismatch({ ...describeKey(db, key), problem: "extra" });
    return { verified, mismatchCount, mismatches };
  }
}

/** A staging LMDB beside the target, named so that a later run can tell it is left over: `.<target>.migrate-<pid>-<random>`. */
async function openStaging(target: string): Promise<{ path: string; db: Db }> {
  const path = join(dirname(target), `.${basename(target)}${STAGING_MARK}${process.pid}-${randomBytes(4).toString("hex")}`);
  const engine = await loadEngine();
  await mkdir(path, { mode: 0o700 });
  // It holds a copy of the data: as private as a new cache's files.
  const db = engine.open<Buffer, Buffer>({ path, noSubdir: false, keyEncoding: "binary", encoding: "binary", noSync: true, permissionsMode: DEFAULT_FILE_MODE });
  return { path, db };
}

/**
 * Copies every live entry of the level-cache at `from` into the cache at `to`, keeping namespaces and
 * expiry times, in one transaction; see the comment at the top of this file for the guarantees.
 */
export async function migrateFromLevel(opts: MigrateOptions): Promise<MigrateSummary> {
  checkOptions(opts);
  const started = performance.now();
  const { verify = false, dryRun = false, onProgress = () => {} } = opts;
  const target = resolve(opts.to);
  const now = (opts.now ?? Date.now)();
  const source = await openSource(opts.from);
  let env: SharedEnv | undefined;
  let staging: { path: string; db: Db } | undefined;
  try {
    await removeStaleStaging(target);
    // A dry run does not create the target: a missing one reads as empty.
    if (!dryRun || existsSync(join(target, "data.mdb"))) env = await acquireEnv(target, "process");
    env?.db.resetReadTxn();
    if (!dryRun) staging = await openStaging(target);
    const migration = new Migration(source, env?.db, now, onProgress);
    await migration.scan(staging?.db);
    if (env && staging) migration.commit(env.db, staging.db);
    const checked = verify ? await migration.verify() : { verified: 0, mismatchCount: 0, mismatches: [] };
    const { counts } = migration;
    return {
      ...counts,
      copied: counts.added + counts.changed,
      ...checked,
      dryRun,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    if (staging) {
      await staging.db.close();
      await rm(staging.path, { recursive: true, force: true });
    }
    if (env) await releaseEnv(env);
    await source.close();
  }
}
