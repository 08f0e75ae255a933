// The same for a CommonJS TypeScript application (.cts under --module nodenext): compiled to require().
import { type Cache, isCacheError, openLmdbCache } from "@promethean/lmdb-cache";

declare const process: { argv: string[] };
declare const console: { log(...data: unknown[]): void };

async function main(path: string): Promise<void> {
  const cache: Cache<{ n: number }> = await openLmdbCache<{ n: number }>({ path });
  // @ts-expect-error the cache holds { n: number }: a string is refused, so the types are not `any`
  await cache.set("bad", "text");
  await cache.set("k", { n: 7 });
  const value = await cache.get("k");
  await cache.close();
  const closed = await cache.get("k").catch((error: unknown) => (isCacheError(error, "CACHE_CLOSED") ? error.code : "other"));
  console.log(JSON.stringify({ n: value?.n, closed }));
}

void main(process.argv[2]!);
