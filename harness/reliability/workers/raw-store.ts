// Raw access to a cache's LMDB database, below the library: "put" plants records as given (hex), "dump"
// prints every stored key and record (hex) as JSON, so a test can compare a whole store byte for byte.
import { open } from "#engine";

type Job = { path: string; mode: "put" | "dump"; records?: [string, string][] };
const job = JSON.parse(process.argv[2]!) as Job;
const db = open<Buffer, Buffer>({ path: job.path, keyEncoding: "binary", encoding: "binary", noSync: true, overlappingSync: false, maxReaders: 2048 });
if (job.mode === "put") {
  db.transactionSync(() => {
    for (const [key, record] of job.records ?? []) db.putSync(Buffer.from(key, "hex"), Buffer.from(record, "hex"));
  });
  console.log(JSON.stringify({ put: job.records?.length ?? 0 }));
} else {
  const entries: [string, string][] = [];
  for (const { key, value } of db.getRange()) entries.push([Buffer.from(key).toString("hex"), Buffer.from(value).toString("hex")]);
  console.log(JSON.stringify({ entries }));
}
await db.close();
