import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export type DiskUsage = { allocatedBytes: number; apparentBytes: number };

/** Bytes a directory takes: allocated blocks (what `du` shows) and the files' sizes. */
export async function diskUsage(dir: string): Promise<DiskUsage> {
  let allocatedBytes = 0;
  let apparentBytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const info = await stat(join(entry.parentPath, entry.name));
    allocatedBytes += info.blocks * 512;
    apparentBytes += info.size;
  }
  return { allocatedBytes, apparentBytes };
}
