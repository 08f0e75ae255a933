// Fills a cache on a really full disk: a small tmpfs, mounted in a private mount namespace, holds one
// cache that a child process (lib/fixtures/fill.ts) fills with 60 KB values until a put fails. With
// the engine's "cover" patch (lib/engine/patches/lmdb) the put fails with CACHE_FULL (ENOSPC) and the
// child reads back all it stored; a writable map over a sparse file would die of SIGBUS instead.
// Usage: node --import tsx harness/repro/disk-full.ts [--mib 8]
// Needs unshare(1) and either root or unprivileged user namespaces. Exits 1 unless the child came
// through: CACHE_FULL, everything acknowledged read back, a small put stored after two deletes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { parseCommandLine } from "../shared/args.ts";

const { values } = parseCommandLine({ mib: { type: "string", default: "8" } });
const mib = Number(values.mib);
const fill = fileURLToPath(new URL("../../lib/fixtures/fill.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "disk-full-"));
try {
  const script = `mount -t tmpfs -o size=${mib}m tmpfs "$1" && node --import tsx "$0" "$1/cache"; status=$?; df -k "$1" | tail -1; exit $status`;
  // Root gets a mount namespace of its own; anyone else, a user namespace in which they are root.
  const flags = process.getuid?.() === 0 ? ["--mount"] : ["--user", "--map-root-user", "--mount"];
  const child = await execa("unshare", [...flags, "sh", "-c", script, fill, dir], { reject: false });
  const lines = child.stdout.split("\n");
  const result = lines.find((line) => line.startsWith("{"));
  const df = lines.find((line) => line.startsWith("tmpfs"));
  console.log(`tmpfs of ${mib} MiB; child exit ${child.signal ?? child.exitCode}${child.stderr ? `; stderr: ${child.stderr.trim()}` : ""}`);
  console.log(`child: ${result}`);
  console.log(`df -k after: ${df}`);
  const parsed = child.exitCode === 0 && result ? JSON.parse(result) : undefined;
  const ok = parsed?.code === "CACHE_FULL" && parsed.readBack === parsed.acked && parsed.afterDeletes === "stored";
  console.log(ok ? "came through: CACHE_FULL, nothing lost" : "FAILED");
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
