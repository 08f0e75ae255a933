// What a backend tells the behaviour suite: how to open it, and which of the documented differences
// from level-cache it has.
import type { Millis } from "../../lib/types.ts";
import type { LevelCacheApi } from "../reference/level-cache.ts";

export type OpenOptions = Readonly<{ path: string; defaultTtlMs?: Millis; namespace?: string; now?: () => number }>;

/** The documented "Differences from level-cache"; each is false for level-cache itself. */
export type Differences = Readonly<{
  /** A second opener of the path works (level-cache: LEVEL_LOCKED). */
  sharedOpen: boolean;
  /** Lazy expiry deletes only the record it read, so a fresh write in between survives. */
  conditionalLazyExpiry: boolean;
  /** Every string is its own key: U+241F does not alias namespaces, lone surrogates are not folded. */
  losslessKeys: boolean;
  /** A namespace's entries() includes keys starting above U+FFFF (level-cache's range stops at "\uFFFF"). */
  unboundedNamespaceEntries: boolean;
  /** The root view's entries() yields root keys only (level-cache: every entry under its stored key). */
  rootEntriesRootOnly: boolean;
  /** After close every method rejects with the code below, close itself stays idempotent. */
  closedRejectsAll: boolean;
  /** Bad input (non-string key, unstorable value, non-finite TTL) rejects with a typed error and writes nothing. */
  typedBadInput: boolean;
  /**
   * entries() reads values as it goes instead of from one snapshot, so a write made during the
   * iteration can show in it (level-cache and LMDB: never).
   */
  entriesWithoutSnapshot: boolean;
}>;

export const LEVEL_CACHE_DIFFERENCES: Differences = Object.freeze({
  sharedOpen: false,
  conditionalLazyExpiry: false,
  losslessKeys: false,
  unboundedNamespaceEntries: false,
  rootEntriesRootOnly: false,
  closedRejectsAll: false,
  typedBadInput: false,
  entriesWithoutSnapshot: false,
});

export const LMDB_CACHE_DIFFERENCES: Differences = Object.freeze({
  sharedOpen: true,
  conditionalLazyExpiry: true,
  losslessKeys: true,
  unboundedNamespaceEntries: true,
  rootEntriesRootOnly: true,
  closedRejectsAll: true,
  typedBadInput: true,
  entriesWithoutSnapshot: false,
});

/** The LMDB backend's differences, and entries() without a snapshot (SCAN, then reads; see docs/redis.md). */
export const REDIS_CACHE_DIFFERENCES: Differences = Object.freeze({ ...LMDB_CACHE_DIFFERENCES, entriesWithoutSnapshot: true });

export type BackendManifest = Readonly<{
  name: string;
  open: <T = unknown>(opts: OpenOptions) => Promise<LevelCacheApi<T>>;
  differences: Differences;
}>;
