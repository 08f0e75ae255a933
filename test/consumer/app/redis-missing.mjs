// The Redis entry without `redis` installed: it loads, and opening rejects with a typed error that names
// the package to install. Prints one JSON line.
import { isCacheError } from "@promethean/lmdb-cache";
import { openRedisCache } from "@promethean/lmdb-cache/redis";

const error = await openRedisCache({ url: "redis://127.0.0.1:1" }).then(() => undefined, (reason) => reason);
console.log(JSON.stringify({ code: isCacheError(error) ? error.code : String(error), message: error?.message }));
