// What migration tests compare: the raw contents of a level directory and of an LMDB directory.
import { Level } from "level";
import { open } from "#engine";

/** Every stored key and value of a level directory, as level returns them. */
export async function dumpLevel(path: string): Promise<Array<[string, string]>> {
  const db = new Level<string, string>(path, { keyEncoding: "utf8", valueEncoding: "utf8", createIfMissing: false });
  try {
    return await db.iterator().all();
  } finally {
    await db.close();
  }
}

/** Every key and record of an LMDB directory, library metadata included, as hex: equal dumps are equal bytes. */
export async function dumpLmdb(path: string): Promise<Array<[string, string]>> {
  const db = open<Buffer, Buffer>({ path, noSubdir: false, readOnly: true, keyEncoding: "binary", encoding: "binary" });
  try {
    return [...db.getRange()].map(({ key, value }) => [key.toString("hex"), value.toString("hex")]);
  } finally {
    await db.close();
  }
}
