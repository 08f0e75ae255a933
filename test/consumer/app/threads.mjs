// The main thread holds the cache and writes while a worker thread opens it, writes and closes, in a
// loop; then each reads what the other wrote. Usage: threads.mjs <path>
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { openLmdbCache } from "@promethean/lmdb-cache";

if (isMainThread) {
  const path = process.argv[2];
  const cache = await openLmdbCache({ path });
  const worker = new Worker(new URL(import.meta.url), { workerData: { path } });
  const done = new Promise((resolve, reject) => {
    worker.on("message", resolve);
    worker.on("error", reject);
  });
  let writes = 0;
  let finished = false;
  void done.then(() => (finished = true), () => (finished = true));
  while (!finished) {
    await cache.set("main", ++writes);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const rounds = await done;
  if ((await cache.get("worker")) !== rounds - 1) throw new Error("the worker's last write is missing");
  if ((await cache.get("main")) !== writes) throw new Error("the main thread's last write is missing");
  await cache.close();
  console.log(`main thread: ${writes} writes; worker thread: ${rounds} opens and closes`);
} else {
  const rounds = 50;
  for (let i = 0; i < rounds; i++) {
    const cache = await openLmdbCache({ path: workerData.path });
    await cache.set("worker", i);
    await cache.get("main");
    await cache.close();
  }
  parentPort.postMessage(rounds);
}
