/**
 * `pnpm migrate --verify` on the generated data set, as a user runs it: writes the data set with the
 * reference level-cache (100k entries unless --entries says otherwise), then migrates it into an empty
 * target, migrates it again (nothing changed), and prints the command's own summaries.
 *
 *   node --import tsx harness/bench/migrate.ts [--entries 100000] [--seed 1] [--keep <dir>]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { writeDataSet } from "../../test/migrate/dataset.ts";
import { parseCommandLine } from "../shared/args.ts";

const { values } = parseCommandLine({
  entries: { type: "string", default: "100000" },
  seed: { type: "string", default: "1" },
  keep: { type: "string" },
});
const dir = values.keep ?? (await mkdtemp(join(tmpdir(), "migrate-bench-")));
const [from, to] = [join(dir, "level"), join(dir, "lmdb")];
const root = join(import.meta.dirname, "../..");

try {
  const started = performance.now();
  const written = await writeDataSet(from, Number(values.entries), Number(values.seed), Date.now());
  console.log(`data set: ${written} entries written with the reference level-cache in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const label of ["into an empty target", "again, nothing changed"]) {
    const run = await execa("pnpm", ["-s", "migrate", "--from", from, "--to", to, "--verify"], { cwd: root, reject: false });
    console.log(`\npnpm migrate --verify, ${label} (exit ${run.exitCode}):\n${run.stdout}`);
    if (run.exitCode !== 0) {
      console.error(run.stderr);
      process.exitCode = 1;
      break;
    }
  }
} finally {
  if (values.keep === undefined) await rm(dir, { recursive: true, force: true });
}
