import { cp, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Cache } from "../../lib/types.ts";
import type { Profile } from "./dataset.ts";

/** The part of the Cache API the workloads drive; the raw lmdb-js floors implement just this. */
export type BenchStore = Pick<Cache<Profile>, "get" | "set" | "batch" | "entries" | "close"> & Partial<Pick<Cache<Profile>, "getOrSet">>;

/**
 * A variant is the candidate with one setting changed, to show what that setting costs or saves;
 * "server": the library on a server the run starts (redis-server), measured only when asked for.
 */
export type BackendKind = "candidate" | "reference" | "floor" | "variant" | "fixture" | "server";

/**
 * How a fresh plain-node process loads a backend as its users do, for the cold-start measurement;
 * `opener` is the export that opens a cache from `{ path }`.
 */
export type ColdStartEntry =
  /** Imported as it is: a package name (resolved from the repository) or a plain JavaScript file's URL. */
  | { readonly specifier: string; readonly opener: string }
  /** TypeScript source, bundled to plain JavaScript once per run. */
  | { readonly source: string; readonly opener: string };

export type Backend = {
  readonly id: string;
  readonly kind: BackendKind;
  /** One line for the reports: what this backend is and which settings it runs with. */
  readonly description: string;
  /** Imports the engine's code; the returned opener is what "time to open" measures. */
  readonly load: () => Promise<(dir: string) => Promise<BenchStore>>;
  /** Absent for backends whose cold start is not measured. */
  readonly coldStart?: ColdStartEntry;
  /** A data set kept outside its directory (on a server): how to copy and remove it. Files otherwise. */
  readonly data?: { copy: (from: string, to: string) => Promise<void>; remove: (dir: string) => Promise<void> };
};

// Modules are imported lazily: a worker loads only the engine it measures, so one backend's
// code never counts in another's memory.
const BACKENDS: readonly Backend[] = [
  {
    id: "lmdb-cache",
    kind: "candidate",
    description: "this library (openLmdbCache, default options)",
    load: async () => {
      const { openLmdbCache } = await import("../../lib/index.ts");
      return (dir) => openLmdbCache<Profile>({ path: dir });
    },
    // The package entry point as built by `pnpm build`, found through package.json "exports".
    coldStart: { specifier: "@promethean/lmdb-cache", opener: "openLmdbCache" },
  },
  {
    id: "lmdb-cache-compressed",
    kind: "variant",
    description: "this library with compression on (compression: {}: payloads over 256 bytes in LZ4)",
    load: async () => {
      const { openLmdbCache } = await import("../../lib/index.ts");
      return (dir) => openLmdbCache<Profile>({ path: dir, compression: {} });
    },
  },
  {
    id: "level-cache",
    kind: "reference",
    description: "the level-cache reference (test/reference/level-cache.ts, on level)",
    load: async () => {
      const { openReferenceLevelCache } = await import("../../test/reference/level-cache.ts");
      return (dir) => openReferenceLevelCache<Profile>({ path: dir });
    },
    coldStart: { source: fileURLToPath(new URL("../../test/reference/level-cache.ts", import.meta.url)), opener: "openReferenceLevelCache" },
  },
  {
    id: "lmdb-raw",
    kind: "floor",
    description:
      "raw lmdb-js open() with its defaults: MessagePack values, async batched commits with fsync, the read snapshot reused between gets",
    load: async () => (await import("./raw-lmdb.ts")).openRawDefaults,
  },
  {
    id: "lmdb-raw-json",
    kind: "floor",
    description:
      "raw lmdb-js with JSON values, synchronous commits without fsync, and a fresh read snapshot per get (resetReadTxn), as the library must",
    load: async () => (await import("./raw-lmdb.ts")).openRawJson,
  },
  {
    id: "redis-cache",
    kind: "server",
    description: "this library's Redis backend (openRedisCache, default options) on a redis-server over loopback, the network's best case",
    load: async () => (await import("./redis-store.ts")).openRedisBench,
    data: {
      copy: async (from, to) => (await import("./redis-store.ts")).copyRedisData(from, to),
      remove: async (dir) => (await import("./redis-store.ts")).removeRedisData(dir),
    },
  },
  {
    id: "slowed-lmdb-cache",
    kind: "fixture",
    description: "test fixture: this library made deliberately slow and memory-hungry, to show the gate fails",
    load: async () => (await import("./fixtures/slowed-backend.ts")).openSlowedCache,
    coldStart: { specifier: new URL("./fixtures/cold-start-slowed.mjs", import.meta.url).href, opener: "openSlowedCache" },
  },
];

export function backendById(id: string): Backend {
  const backend = BACKENDS.find((b) => b.id === id);
  if (backend === undefined) {
    throw new Error(`unknown backend ${JSON.stringify(id)}; known: ${BACKENDS.map((b) => b.id).join(", ")}`);
  }
  return backend;
}

/** The backends a benchmark compares unless told, in the order they are interleaved. */
export const BENCH_BACKENDS = BACKENDS.filter((b) => b.kind !== "fixture" && b.kind !== "server").map((b) => b.id);

/** Every backend `pnpm bench --backends` may name. */
export const KNOWN_BACKENDS = BACKENDS.filter((b) => b.kind !== "fixture").map((b) => b.id);

/** A data set's copy for a cell: its files, and its entries kept elsewhere. */
export async function copyData(backend: string, from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
  await backendById(backend).data?.copy(from, to);
}

export async function removeData(backend: string, dir: string): Promise<void> {
  await backendById(backend).data?.remove(dir);
  await rm(dir, { recursive: true, force: true });
}
