import { execFile } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { CacheError } from "./errors.ts";

export type VerifyResult = Readonly<{ entries: number }>;

// The worker sits beside this module: .ts in the source tree (run through tsx), .js once built.
const here = fileURLToPath(import.meta.url);
const worker = fileURLToPath(new URL(`./verify-worker${extname(here)}`, import.meta.url));
const loader = extname(here) === ".ts" ? ["--import", "tsx"] : [];

/**
 * Reads every record of the cache at `path` in a child process and resolves with `{ entries }`, how
 * many there are, or rejects with CACHE_CORRUPT when the file or a record is damaged. LMDB does not
 * checksum pages, and a damaged page can crash the process that reads it: here that is the child. Run
 * it after an operating-system crash or power loss, before the cache is used; recover a damaged cache
 * with resetCache().
 */
export function verifyCache(path: string): Promise<VerifyResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...loader, worker, path], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const how = error.signal ? `the reader crashed (${error.signal})` : `the reader failed: ${stderr.trim().split("\n").at(-1)}`;
        const code = /CACHE_INVALID_PATH|CACHE_INCOMPATIBLE/.exec(stderr)?.[0];
        reject(new CacheError((code as "CACHE_INVALID_PATH" | undefined) ?? "CACHE_CORRUPT", `${path} cannot be verified: ${how}`, { cause: error }));
        return;
      }
      const { entries, damaged } = JSON.parse(stdout) as { entries: number; damaged: number };
      if (damaged > 0) reject(new CacheError("CACHE_CORRUPT", `${path} holds ${damaged} damaged records of ${entries}`));
      else resolve({ entries });
    });
  });
}
