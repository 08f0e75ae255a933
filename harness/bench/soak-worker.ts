import { isCacheError, openLmdbCache } from "../../lib/index.ts";
import { keyOf, valueOf } from "./dataset.ts";
import { readStatus } from "./memory.ts";
import { readMappings, readRollup } from "./smaps.ts";
import type { SoakTask, WorkerMessage } from "./protocol.ts";
import { seededRng, mixSeed } from "../shared/rng.ts";

// One soak process: mixed operations on the library, with expiring writes, deletes, batches, scans
// and sweeps, so that anything that leaks or grows without bound shows in the samples it sends.

const VALUE_POOL = 128;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (e) => (e ? reject(e) : resolve())));
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? "") as SoakTask;
  const rng = seededRng(mixSeed(task.seed, 0x50a4, task.processIndex));
  const pool = Array.from({ length: VALUE_POOL }, (_, i) => valueOf(task.seed, i, task.processIndex));
  const cache = await openLmdbCache<unknown>({ ...task.cacheOptions, path: task.dir });
  // A store bounded by maxSizeBytes refuses writes it has no room for: counted, and the run goes on.
  let refusedWrites = 0;
  const write = async (put: Promise<unknown>) => {
    try {
      await put;
    } catch (error) {
      if (!isCacheError(error, "CACHE_FULL")) throw error;
      refusedWrites++;
    }
  };
  const started = performance.now();
  const key = () => keyOf(rng.below(task.keySpace));
  const value = () => pool[rng.below(VALUE_POOL)]!;
  let samples = 0;
  const collect = globalThis.gc;
  if (collect === undefined) throw new Error("the soak worker runs with --expose-gc, to sample what is reachable");
  const sample = async (ops: number, last = false) => {
    const atMs = performance.now() - started;
    // RSS as the process runs; the heap and external memory after a full collection, which leaves
    // only what is reachable, so that growth in them is memory kept rather than garbage not yet collected.
    const status = readStatus();
    collect();
    const { heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const withMappings = last || samples++ % task.mappingsEverySamples === 0;
    await send({
      type: "soak-sample",
      processIndex: task.processIndex,
      sample: {
        atMs,
        ops,
        rssBytes: status.VmRSS,
        rssAnonBytes: status.RssAnon,
        rssFileBytes: status.RssFile,
        rssShmemBytes: status.RssShmem,
        pssBytes: readRollup().pssBytes,
        heapTotalBytes: heapTotal,
        heapUsedBytes: heapUsed,
        externalBytes: external,
        arrayBuffersBytes: arrayBuffers,
        ...(withMappings ? { mappings: readMappings() } : {}),
      },
    });
  };
  await sample(0);
  let nextSample = task.sampleEveryOps;
  for (let done = 0; done < task.ops; ) {
    const roll = rng.next();
    if (roll < 0.6) {
      await cache.get(key());
      done++;
    } else if (roll < 0.8) {
      await write(cache.set(key(), value()));
      done++;
    } else if (roll < 0.88) {
      // Short TTLs, so expired entries pile up until reads, scans or sweeps remove them.
      await write(cache.set(key(), value(), { ttlMs: 20 + rng.below(500) }));
      done++;
    } else if (roll < 0.96) {
      await cache.del(key());
      done++;
    } else if (roll < 0.99) {
      await write(cache.batch(Array.from({ length: 10 }, () => ({ type: "put" as const, key: key(), value: value() }))));
      done += 10;
    } else if (roll < 0.9995) {
      for await (const _ of cache.entries({ limit: 100 })) done++;
    } else {
      await cache.sweepExpired();
      done++;
    }
    if (done >= nextSample) {
      nextSample += task.sampleEveryOps;
      await sample(done);
    }
  }
  await sample(task.ops, true);
  await cache.close();
  await send({ type: "soak-done", processIndex: task.processIndex, ops: task.ops, elapsedMs: performance.now() - started, refusedWrites });
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
