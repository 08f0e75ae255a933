// A strict TypeScript application on the package's keyv entry and keyv 5, compiled by the consumer
// check like typed.ts (no skipLibCheck, no @types/node) and run.
import Keyv from "keyv";
import { type CacheErrorCode, isCacheError, KeyvLmdbCache } from "@promethean/lmdb-cache/keyv";

declare const process: { argv: string[] };
declare const console: { log(...data: unknown[]): void };

type Visit = { page: string; at: number };

const store = new KeyvLmdbCache({ path: process.argv[2]!, values: "json" });
const keyv = new Keyv<Visit>({ store, namespace: "visits" });
// @ts-expect-error the options are checked: values is "json" or "structured"
void (() => new KeyvLmdbCache({ path: "unused", values: "xml" }));
await keyv.set("v1", { page: "/", at: 1 }, 60_000);
const visit: Visit | undefined = await keyv.get("v1");
await keyv.disconnect();
let code: CacheErrorCode | undefined;
try {
  await store.get("visits:v1");
} catch (error) {
  if (isCacheError(error)) code = error.code;
}
console.log(JSON.stringify({ page: visit?.page, code }));
