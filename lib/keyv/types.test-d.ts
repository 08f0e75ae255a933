// The store against keyv's own type of a store, and as cacheable takes it: assignable without casts,
// though this package's types do not import keyv. Checked by tsc.
import { Cacheable } from "cacheable";
import { Keyv, type KeyvStoreAdapter } from "keyv";
import { KeyvLmdbCache } from "./index.ts";

export function isKeyvStore(store: KeyvLmdbCache): KeyvStoreAdapter {
  return store;
}

export function keyvOver(store: KeyvLmdbCache): Keyv<{ id: number }> {
  return new Keyv<{ id: number }>({ store });
}

export function cacheableOver(store: KeyvLmdbCache): Cacheable {
  return new Cacheable({ secondary: store });
}
