// level-cache's behaviour, checked on the reference and on the library, each with its documented differences.
import { openLmdbCache } from "../../lib/index.ts";
import { openReferenceLevelCache } from "../reference/level-cache.ts";
import { LEVEL_CACHE_DIFFERENCES, LMDB_CACHE_DIFFERENCES } from "./differences.ts";
import { suite } from "./suite.ts";

suite({ name: "reference level-cache", open: openReferenceLevelCache, differences: LEVEL_CACHE_DIFFERENCES });
suite({ name: "lmdb-cache", open: openLmdbCache, differences: LMDB_CACHE_DIFFERENCES });
