// LMDB's lock file (lock.mdb), read from outside: who holds the write lock and which processes hold
// reader slots. Layout of LMDB 0.9.29 as lib/engine/build.mjs builds it, on Linux x86-64 (robust
// process-shared pthread mutexes, 64-byte cache lines); `lib/env.ts` fixes the reader table at 2048 slots.
// Checked against a live process by harness/reliability/lock-file.test.ts.
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

const MAGIC = 0xbeefc0de;
const NUM_READERS_AT = 56;
/** The write mutex's futex word: the owner's thread id while it is locked (robust mutexes). */
export const WRITE_LOCK_AT = 64;
const READERS_AT = 128;
const READER_BYTES = 64;
/** Futex flags above the thread id: FUTEX_WAITERS and FUTEX_OWNER_DIED. */
const TID_MASK = 0x3fffffff;
const NO_TXN = 0xffffffffffffffffn;

export type ReaderSlot = { index: number; pid: number; txnId: bigint | undefined };

export type LockTable = {
  /** Thread id holding the write lock, 0 when free. */
  writeLockOwner: number;
  /** High-water mark of used slots (LMDB never lowers it). */
  slotsUsed: number;
  /** Slots that name a process; `txnId` is set while that slot holds a snapshot. */
  readers: ReaderSlot[];
};

export function lockFilePath(cacheDir: string): string {
  return join(cacheDir, "lock.mdb");
}

/** The thread id in a write-lock futex word. */
export function ownerOf(word: number): number {
  return word & TID_MASK;
}

export function readLockTable(cacheDir: string): LockTable {
  const fd = openSync(lockFilePath(cacheDir), "r");
  try {
    const head = Buffer.alloc(READERS_AT);
    readSync(fd, head, 0, READERS_AT, 0);
    if (head.readUInt32LE(0) !== MAGIC) throw new Error(`${cacheDir}: lock file has no LMDB magic`);
    const slotsUsed = head.readUInt32LE(NUM_READERS_AT);
    const table = Buffer.alloc(slotsUsed * READER_BYTES);
    readSync(fd, table, 0, table.length, READERS_AT);
    const readers: ReaderSlot[] = [];
    for (let index = 0; index < slotsUsed; index++) {
      const at = index * READER_BYTES;
      const pid = table.readInt32LE(at + 8);
      if (pid === 0) continue;
      const txn = table.readBigUInt64LE(at);
      readers.push({ index, pid, txnId: txn === NO_TXN ? undefined : txn });
    }
    return { writeLockOwner: ownerOf(head.readInt32LE(WRITE_LOCK_AT)), slotsUsed, readers };
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Reader slots still naming a process that has died: what LMDB's reader check would clear. */
export function staleSlots(table: LockTable): ReaderSlot[] {
  return table.readers.filter((slot) => !isAlive(slot.pid));
}
