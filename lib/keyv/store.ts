import { checkKey } from "../checks.ts";
import { CacheError } from "../errors.ts";
import { openLmdbCache } from "../index.ts";
import { checkOptions } from "../options.ts";
import type { Cache, CacheOptions, Millis } from "../types.ts";

/** What keyv reads of a store's `opts`; the object stays writable, as keyv and its test suite expect. */
export type KeyvStoreOpts = { dialect: string; [option: string]: unknown };

/** One entry of `setMany`, as keyv passes it: the key with its prefix, the serialized value, a TTL in ms. */
export type KeyvStoreEntry = { key: string; value: unknown; ttl?: number | undefined };

export type KeyvErrorListener = (error: CacheError) => void;

function isCache(source: object): source is Cache<unknown> {
  return typeof (source as Partial<Cache>).withNamespace === "function";
}

/** keyv's TTL: 0, none or Infinity mean no expiry (the cache reads 0 as already expired), anything else as the cache. */
function ttlOf(ttl: unknown): Millis | undefined {
  if (ttl === undefined || ttl === null || ttl === 0 || ttl === Infinity) return undefined;
  if (typeof ttl !== "number" || Number.isNaN(ttl) || ttl === -Infinity) {
    throw new CacheError("CACHE_INVALID_TTL", `ttl must be a number of milliseconds, got ${String(ttl)}`);
  }
  return ttl;
}

function checkKeys(keys: unknown): asserts keys is string[] {
  if (!Array.isArray(keys)) throw new CacheError("CACHE_INVALID_KEY", "keys must be an array of strings");
  for (const key of keys) checkKey(key);
}

function checkNamespace(namespace: unknown): asserts namespace is string | undefined {
  if (namespace !== undefined && typeof namespace !== "string") {
    throw new CacheError("CACHE_INVALID_OPTION", `a namespace must be a string, got ${namespace === null ? "null" : typeof namespace}`);
  }
}

function checkEntries(entries: unknown): Array<{ type: "put"; key: string; value: unknown; ttlMs: Millis | undefined }> {
  if (!Array.isArray(entries)) throw new CacheError("CACHE_INVALID_BATCH", "setMany takes an array of { key, value, ttl }");
  return entries.map((entry: unknown, index) => {
    if (typeof entry !== "object" || entry === null) throw new CacheError("CACHE_INVALID_BATCH", `entry ${index} is not an object`);
    const { key, value, ttl } = entry as KeyvStoreEntry;
    checkKey(key);
    return { type: "put", key, value, ttlMs: ttlOf(ttl) };
  });
}

/**
 * A keyv 5 store on a cache: `new Keyv({ store: new KeyvLmdbCache({ path }) })`, or over a cache the
 * application opened, `new KeyvLmdbCache(cache)`. Each keyv namespace is a namespace of the cache
 * (`withNamespace`), so `clear()` is one write transaction over that namespace only. Keys are stored
 * as keyv passes them, its `namespace:` prefix included, so two keys never share an entry whether
 * keyv's `useKeyPrefix` is on or off. Values are stored as keyv passes them: its serialized strings by
 * default. Every process that opens the same path shares the entries.
 */
export class KeyvLmdbCache {
  /**
   * keyv 5 offers `keyv.iterator()` only over stores whose `opts.dialect` is on its list, and reads
   * `dialect` for nothing else. This store's `iterator(namespace)` keeps the contract of the listed
   * "sqlite" store (the namespace's entries only, keys with their prefix, values as stored), so it
   * names that dialect.
   */
  opts: KeyvStoreOpts = { dialect: "sqlite" };
  /** keyv's namespace, set by keyv: the cache namespace this store reads and writes. */
  namespace: string | undefined;
  readonly #options: CacheOptions | undefined;
  #cache: Cache<unknown> | undefined;
  #opening: Promise<Cache<unknown>> | undefined;
  #disconnected = false;
  #view: { namespace: string; cache: Cache<unknown> } | undefined;
  readonly #errorListeners: KeyvErrorListener[] = [];

  /**
   * Takes the options of `openLmdbCache` (checked now; the cache opens on first use and
   * `disconnect()` closes it) or an open `Cache` (the store uses it as is, its namespace included,
   * and leaves closing it to its owner).
   */
  constructor(source: CacheOptions | Cache<unknown>) {
    if (typeof source === "object" && source !== null && isCache(source)) {
      this.#cache = source;
      this.#options = undefined;
    } else {
      checkOptions(source, "KeyvLmdbCache");
      this.#options = source;
    }
  }

  /** Listens to failures of `get`, which keyv turns into a miss without reporting them (every other failure rejects its call). */
  on(event: "error", listener: KeyvErrorListener): this {
    if (event === "error") this.#errorListeners.push(listener);
    return this;
  }

  off(event: "error", listener: KeyvErrorListener): this {
    const index = event === "error" ? this.#errorListeners.indexOf(listener) : -1;
    if (index >= 0) this.#errorListeners.splice(index, 1);
    return this;
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    try {
      this.#checkConnected();
      checkKey(key);
      return (await (await this.#namespaceView()).get(key)) as Value | undefined;
    } catch (error) {
      for (const listener of [...this.#errorListeners]) listener(error as CacheError);
      throw error;
    }
  }

  async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    this.#checkConnected();
    checkKeys(keys);
    const view = await this.#namespaceView();
    const values: Array<Value | undefined> = [];
    for (const key of keys) values.push((await view.get(key)) as Value | undefined);
    return values;
  }

  async has(key: string): Promise<boolean> {
    this.#checkConnected();
    checkKey(key);
    return (await this.#namespaceView()).has(key);
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    this.#checkConnected();
    checkKeys(keys);
    const view = await this.#namespaceView();
    const found: boolean[] = [];
    for (const key of keys) found.push(await view.has(key));
    return found;
  }

  async set(key: string, value: unknown, ttl?: number): Promise<void> {
    this.#checkConnected();
    checkKey(key);
    const ttlMs = ttlOf(ttl);
    await (await this.#namespaceView()).set(key, value, { ttlMs });
  }

  /** All entries in one transaction: every process sees all of them or none. */
  async setMany(entries: KeyvStoreEntry[]): Promise<void> {
    this.#checkConnected();
    const ops = checkEntries(entries);
    await (await this.#namespaceView()).batch(ops);
  }

  /** Resolves whether the key had a live entry just before. */
  async delete(key: string): Promise<boolean> {
    this.#checkConnected();
    checkKey(key);
    const view = await this.#namespaceView();
    const existed = await view.has(key);
    await view.del(key);
    return existed;
  }

  /** Deletes in one transaction; resolves whether any of the keys had a live entry just before. */
  async deleteMany(keys: string[]): Promise<boolean> {
    this.#checkConnected();
    checkKeys(keys);
    const view = await this.#namespaceView();
    let existed = false;
    for (const key of keys) existed = (await view.has(key)) || existed;
    await view.batch(keys.map((key) => ({ type: "del", key })));
    return existed;
  }

  /** Removes every entry of keyv's namespace, and nothing else, in one write transaction. */
  async clear(): Promise<void> {
    this.#checkConnected();
    await (await this.#namespaceView()).clear();
  }

  /** The namespace's live entries, `[key as stored, value as stored]`, from one snapshot. */
  async *iterator<Value>(namespace?: string): AsyncGenerator<[string, Value], void> {
    this.#checkConnected();
    checkNamespace(namespace);
    for await (const entry of (await this.#namespaceView(namespace)).entries()) yield entry as [string, Value];
  }

  /** Ends the store: later calls reject with CACHE_CLOSED. Closes the cache when the store opened it. */
  async disconnect(): Promise<void> {
    if (this.#disconnected) return;
    this.#disconnected = true;
    if (this.#options === undefined) return;
    const cache = this.#cache ?? (await this.#opening?.catch(() => undefined));
    await cache?.close();
  }

  #checkConnected(): void {
    if (this.#disconnected) throw new CacheError("CACHE_CLOSED", "the keyv store is disconnected");
    checkNamespace(this.namespace);
  }

  async #base(): Promise<Cache<unknown>> {
    if (this.#cache !== undefined) return this.#cache;
    this.#opening ??= openLmdbCache(this.#options!).then(
      (cache) => (this.#cache = cache),
      (error: unknown) => {
        // A failed open is not remembered: the next call tries again.
        this.#opening = undefined;
        throw error;
      },
    );
    const cache = await this.#opening;
    // disconnect() came while the cache was opening: it closes the cache; this call must not use it.
    this.#checkConnected();
    return cache;
  }

  async #namespaceView(namespace: string | undefined = this.namespace): Promise<Cache<unknown>> {
    const base = await this.#base();
    if (namespace === undefined || namespace === "") return base;
    if (this.#view?.namespace !== namespace) this.#view = { namespace, cache: base.withNamespace(namespace) };
    return this.#view.cache;
  }
}
