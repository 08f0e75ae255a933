// Reads every record of a cache and prints what it found; run by verifyCache in a child process,
// because LMDB reading a damaged page can take the whole process down.
import { readHead, decodePayload } from "./codec.ts";
import { acquireEnv, releaseEnv } from "./env.ts";
import { ALL_ENTRIES } from "./keys.ts";

const env = await acquireEnv(process.argv[2]!, "process");
let entries = 0;
let damaged = 0;
for (const { value } of env.db.getRange({ start: ALL_ENTRIES.start, end: ALL_ENTRIES.end })) {
  entries++;
  try {
    decodePayload(value, readHead(value));
  } catch {
    damaged++;
  }
}
await releaseEnv(env);
process.stdout.write(JSON.stringify({ entries, damaged }));
