import { open, type RootDatabase } from "lmdb";
import type { BenchStore } from "./backends.ts";
import type { Profile } from "./dataset.ts";

// The floors: lmdb-js used directly, behind the same async methods as a cache (an async API is
// part of the contract, so its cost is part of the floor too).

async function* scan(db: RootDatabase<Profile, string>, fresh: boolean, limit?: number): AsyncGenerator<[string, Profile]> {
  if (fresh) db.resetReadTxn();
  for (const { key, value } of db.getRange(limit === undefined ? {} : { limit })) yield [key, value];
}

/** lmdb-js's own defaults: the fastest way to use it, with none of the library's guarantees. */
export async function openRawDefaults(dir: string): Promise<BenchStore> {
  const db = open<Profile, string>({ path: dir });
  return {
    get: async (key) => db.get(key),
    set: async (key, value) => {
      await db.put(key, value);
    },
    batch: async (ops) => {
      await db.batch(() => {
        for (const op of ops) {
          if (op.type === "put") void db.put(op.key, op.value);
          else void db.remove(op.key);
        }
      });
    },
    entries: (opts) => scan(db, false, opts?.limit),
    close: () => db.close(),
  };
}

/** lmdb-js with the library's storage choices: JSON values, sync commits without fsync, a fresh snapshot per read. */
export async function openRawJson(dir: string): Promise<BenchStore> {
  const db = open<Profile, string>({ path: dir, encoding: "json", noSync: true, overlappingSync: false });
  return {
    get: async (key) => {
      db.resetReadTxn();
      return db.get(key);
    },
    set: async (key, value) => {
      db.putSync(key, value);
    },
    batch: async (ops) => {
      db.transactionSync(() => {
        for (const op of ops) {
          if (op.type === "put") db.putSync(op.key, op.value);
          else db.removeSync(op.key);
        }
      });
    },
    entries: (opts) => scan(db, true, opts?.limit),
    close: () => db.close(),
  };
}
