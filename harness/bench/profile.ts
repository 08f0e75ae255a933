import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { seedTemplate } from "./cells.ts";
import type { WorkerTask } from "./protocol.ts";
import { DEFAULT_SEED } from "./settings.ts";
import { parseCommandLine, wholeNumber } from "../shared/args.ts";
import { REPO_ROOT } from "../shared/child.ts";
import { WORKLOAD_IDS, type WorkloadId } from "./workloads.ts";

// pnpm bench:profile <name> [--flame] [--backend ID] [--size N] [--duration-ms N]
// Runs one worker process under clinic (doctor, or flame with --flame) and prints the HTML report's path.

const PROFILES_DIR = join(REPO_ROOT, ".profiles");
const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

type ProfileOptions = { backend: string; size: number; durationMs: number };

/** A profiled process: the script and arguments clinic runs, and what to clean up afterwards. */
type ProfileTarget = { summary: string; prepare: (options: ProfileOptions) => Promise<{ args: string[]; cleanup: () => Promise<void> }> };

/** One bench worker running a workload on its own over a freshly seeded data set. */
function benchWorkload(workload: WorkloadId): ProfileTarget {
  return {
    summary: `one bench worker running the "${workload}" workload`,
    prepare: async ({ backend, size, durationMs }) => {
      const template = await seedTemplate(backend, size, DEFAULT_SEED);
      const task: WorkerTask = { role: "run", backend, dir: template.dir, seed: DEFAULT_SEED, size, workload, durationMs, processIndex: 0 };
      return { args: [WORKER, JSON.stringify(task)], cleanup: () => rm(template.dir, { recursive: true, force: true }) };
    },
  };
}

/**
 * What `pnpm bench:profile` can run. A scenario joins with one entry whose `prepare` writes its
 * worker's job and returns the worker's arguments; its worker must then start without waiting for a
 * parent's go (clinic gives it no IPC channel).
 */
export const PROFILE_TARGETS: Record<string, ProfileTarget> = Object.fromEntries(WORKLOAD_IDS.map((w) => [w, benchWorkload(w)]));

const USAGE = `usage: pnpm bench:profile <${Object.keys(PROFILE_TARGETS).join("|")}> [--flame] [--backend ID] [--size N] [--duration-ms N]`;

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine({
    flame: { type: "boolean", default: false },
    backend: { type: "string", default: "lmdb-cache" },
    size: { type: "string", default: "10000" },
    "duration-ms": { type: "string", default: "5000" },
  });
  const name = positionals[0];
  const target = name === undefined ? undefined : PROFILE_TARGETS[name];
  if (target === undefined) throw new Error(`${name === undefined ? "no name given" : `unknown name ${JSON.stringify(name)}`}\n${USAGE}`);
  const tool = values.flame ? "flame" : "doctor";
  await mkdir(PROFILES_DIR, { recursive: true });
  const { args, cleanup } = await target.prepare({ backend: values.backend, size: wholeNumber(values.size, "size", 1)!, durationMs: wholeNumber(values["duration-ms"], "duration-ms", 1)! });
  try {
    console.log(`profiling ${target.summary} on ${values.backend} with clinic ${tool}`);
    const run = await execa(join(REPO_ROOT, "node_modules", ".bin", "clinic"), [tool, "--dest", PROFILES_DIR, "--open=false", "--", "node", "--import", "tsx", ...args], {
      cwd: REPO_ROOT,
      env: { NO_INSIGHT: "1" },
      all: true,
      reject: false,
    });
    const html = /file:\/\/(\S+\.html)/.exec(run.all)?.[1];
    if (run.exitCode !== 0 || html === undefined) throw new Error(`clinic ${tool} failed (exit ${run.exitCode}):\n${run.all}`);
    console.log(run.all.split("\n").filter((line) => line.startsWith("{")).join("\n"));
    console.log(html);
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
