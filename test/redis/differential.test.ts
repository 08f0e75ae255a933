// The differential test's properties with the Redis backend in place of the LMDB one.
import { BACKENDS } from "../differential/program.ts";
import { differentialProperties } from "../differential/properties.ts";
import { REDIS_CACHE_DIFFERENCES } from "../suite/differences.ts";
import { openOnRedis } from "./open.ts";
import { describeRedis } from "./server.ts";

describeRedis("differential: reference level-cache against the Redis backend", (server) => {
  const redis = { name: "redis-cache", open: (opts: Parameters<typeof openOnRedis>[1]) => openOnRedis<unknown>(server().url, opts), differences: REDIS_CACHE_DIFFERENCES };
  // Half the LMDB pair's 1000 programs: each step is a round trip to the server (a seeded run of 2000 passed too).
  differentialProperties(() => [BACKENDS[0]!, redis], "test/redis/differential.test.ts", 500);
});
