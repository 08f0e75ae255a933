// level-cache's behaviour on the Redis backend, with its documented differences.
import { REDIS_CACHE_DIFFERENCES } from "../suite/differences.ts";
import { suite } from "../suite/suite.ts";
import { openOnRedis } from "./open.ts";
import { describeRedis } from "./server.ts";

describeRedis("Redis backend", (server) => {
  suite({ name: "redis-cache", open: (opts) => openOnRedis(server().url, opts), differences: REDIS_CACHE_DIFFERENCES });
});
