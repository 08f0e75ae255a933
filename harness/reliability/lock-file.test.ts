import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "#engine";
import { afterEach, describe, expect, it } from "vitest";
import { readLockTable, staleSlots } from "./lock-file.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the lock file, read from outside", () => {
  it("shows this thread as the write lock's owner inside a write transaction, and its reader slot with a snapshot", async () => {
    const path = mkdtempSync(join(tmpdir(), "reliability-lock-"));
    dirs.push(path);
    const db = open<Buffer, Buffer>({ path, keyEncoding: "binary", encoding: "binary", noSync: true, overlappingSync: false });
    db.putSync(Buffer.from("a"), Buffer.from([1]));
    expect(readLockTable(path).writeLockOwner).toBe(0);
    let owner = -1;
    db.transactionSync(() => {
      db.putSync(Buffer.from("b"), Buffer.from([2]));
      owner = readLockTable(path).writeLockOwner;
    });
    expect(owner).toBe(process.pid);
    const range = db.getRange()[Symbol.iterator]();
    range.next();
    const mine = readLockTable(path).readers.find((slot) => slot.pid === process.pid);
    expect(mine?.txnId).toBeDefined();
    expect(staleSlots(readLockTable(path))).toEqual([]);
    range.return?.();
    await db.close();
  });
});
