// The package's `@promethean/lmdb-cache/keyv` entry: a store for keyv 5, and through keyv for
// cache-manager and cacheable. keyv itself is an optional peer dependency: this module does not import it.
export { KeyvLmdbCache, type KeyvErrorListener, type KeyvStoreEntry, type KeyvStoreOpts } from "./store.ts";
export { CacheError, ERROR_CODES, isCacheError, type CacheErrorCode } from "../errors.ts";
export type { Cache, CacheOptions } from "../types.ts";
