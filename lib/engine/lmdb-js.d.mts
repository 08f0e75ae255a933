// Types of the engine module ("#engine": dist/engine/lmdb-js.mjs, lmdb-js bundled by
// lib/engine/build.mjs): only the part of lmdb-js's API this package calls, declared here so that
// the package's published types stand alone.

export interface RangeOptions<K> {
  start?: K;
  end?: K;
  limit?: number;
}

export interface OpenOptions {
  path: string;
  noSubdir?: boolean;
  /**
   * Buffer keys and values only: that is all this package stores, and bundled, lmdb-js's
   * ordered-binary key path crashed (a fatal V8 error while reading keys in getRange).
   */
  keyEncoding: "binary";
  encoding: "binary";
  maxReaders?: number;
  mapSize?: number;
  noSync?: boolean;
  overlappingSync?: boolean;
  useWritemap?: boolean;
  readOnly?: boolean;
  /** Mode of the files LMDB creates (before the umask). */
  permissionsMode?: number;
}

export interface TreeStats {
  treeDepth: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  entryCount: number;
  overflowPages: number;
}

/** The environment's figures, with those of its main tree under `root`. */
export interface Stats extends TreeStats {
  pageSize: number;
  root: TreeStats;
}

export interface RootDatabase<K = Buffer, V = Buffer> {
  get(key: K): V | undefined;
  getBinary(key: K): Buffer | undefined;
  /** A view of the engine's buffer, valid only until the next read. */
  getBinaryFast(key: K): Buffer | undefined;
  /** False, and nothing written, when `noOverwrite` is set and the key is there. */
  putSync(key: K, value: V, options?: { noOverwrite?: boolean }): boolean;
  /** False when the key was not there. */
  removeSync(key: K): boolean;
  clearSync(): void;
  transactionSync<T>(action: () => T): T;
  getRange(options?: RangeOptions<K>): Iterable<{ key: K; value: V }>;
  getKeys(options?: RangeOptions<K>): Iterable<K>;
  getStats(): Stats;
  /** The store's own tree: its figures as the current transaction sees them, a write transaction's own writes included. */
  readonly db: { stat(): TreeStats & { pageSize: number } };
  resetReadTxn(): void;
  readerCheck(): number;
  readerList(): string;
  close(): Promise<void>;
}

export interface EngineVersion {
  major: number;
  minor: number;
  patch: number;
  versionString?: string;
}

export const version: EngineVersion;

export function open<K = Buffer, V = Buffer>(options: OpenOptions): RootDatabase<K, V>;
