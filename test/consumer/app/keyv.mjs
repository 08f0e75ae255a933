// keyv 5 on the package's keyv store: set, get, iterate and clear a namespace, then a call after
// disconnect. Prints one JSON line. Usage: keyv.mjs <path>
import Keyv from "keyv";
import { isCacheError, KeyvLmdbCache } from "@promethean/lmdb-cache/keyv";

const store = new KeyvLmdbCache({ path: process.argv[2] });
const keyv = new Keyv({ store, namespace: "app" });
await keyv.set("a", { from: "keyv" }, 60_000);
await keyv.set("b", Buffer.from("bytes"));
const value = await keyv.get("a");
const bytes = (await keyv.get("b")).toString();
const keys = [];
for await (const [key] of keyv.iterator()) keys.push(key);
await keyv.clear();
const cleared = await keyv.get("a");
await keyv.disconnect();
const closed = await store.get("app:a").catch((error) => (isCacheError(error) ? error.code : String(error)));
console.log(JSON.stringify({ value, bytes, keys, cleared: cleared === undefined, closed }));
