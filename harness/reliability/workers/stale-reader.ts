// A reader for the stale-reader campaign. "hold": opens the cache, starts an entries() iteration, stops
// after `pauseAfter` entries with the snapshot still open, prints "holding" and waits to be killed.
// "probe": opens, reads `key` and the first entry, prints {"ok": true} or the error, and exits.
// "reader-check": asks LMDB every `everyMs` to clear the reader slots of dead processes (what a library
// call to readerCheck would do), printing "cleared <n>" when it cleared any.
import { open } from "#engine";
import { openLmdbCache } from "../../../lib/index.ts";

type Job = { path: string; mode: "hold" | "probe" | "reader-check"; pauseAfter?: number; key?: string; everyMs?: number };
const job = JSON.parse(process.argv[2]!) as Job;

if (job.mode === "reader-check") {
  // Raw LMDB, opened the way the library opens it, so it can call the check the library does not.
  const db = open({ path: job.path, keyEncoding: "binary", encoding: "binary", noSync: true, overlappingSync: false, maxReaders: 2048 });
  const check = () => {
    const cleared = db.readerCheck();
    if (cleared > 0) console.log(`cleared ${cleared}`);
  };
  check();
  console.log("ready");
  setInterval(check, job.everyMs ?? 200);
} else {
  try {
    const cache = await openLmdbCache<unknown>({ path: job.path });
    if (job.mode === "probe") {
      const value = await cache.get(job.key ?? "k0");
      const first = await cache.entries().next();
      console.log(JSON.stringify({ ok: true, found: value !== undefined, entry: first.done !== true }));
      await cache.close();
    } else {
      const iterator = cache.entries();
      for (let i = 0; i < (job.pauseAfter ?? 1); i++) await iterator.next();
      console.log("holding");
      setInterval(() => {}, 60_000);
    }
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    console.log(JSON.stringify({ ok: false, code: code ?? "untyped", message }));
  }
}
