import { readFileSync, realpathSync } from "node:fs";
import { cpus, freemem, loadavg, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { version as engineVersion } from "#engine";
import { engineName } from "../../lib/engine/index.ts";
import type { Provenance } from "./results.ts";
import { REPO_ROOT } from "../shared/child.ts";

export type MachineInfo = {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  freeMemoryBytes: number;
  platform: string;
  kernel: string;
  loadAverage: number[];
};

export type GitInfo = { commit: string; dirty: boolean };

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    platform: process.platform,
    kernel: release(),
    loadAverage: loadavg(),
  };
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}


/** Versions of the runtime and of every engine measured (classic-level is level's native part). */
export function versions(): Record<string, string> {
  const modules = join(REPO_ROOT, "node_modules");
  const level = realpathSync(join(modules, "level"));
  return {
    node: process.version,
    library: packageVersion(REPO_ROOT),
    // lmdb-js: bundled into this package's engine, and measured stock (its prebuilt LMDB fork) as raw lmdb-js.
    lmdb: packageVersion(join(modules, "lmdb")),
    // This package's engine: LMDB 0.9.29 with its patches, the build named in LMDB's version string.
    LMDB: engineName(engineVersion),
    msgpackr: packageVersion(join(modules, "msgpackr")),
    level: packageVersion(level),
    "classic-level": packageVersion(join(dirname(level), "classic-level")),
    tsx: packageVersion(join(modules, "tsx")),
    execa: packageVersion(join(modules, "execa")),
  };
}

/**
 * Where and on what a run is measured: the machine, commit and start time are taken now, and the
 * returned function adds the end time, the load at the end and the versions when the run finishes.
 */
export async function startProvenance(): Promise<() => Provenance> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const git = await gitInfo();
  return () => ({ startedAt, finishedAt: new Date().toISOString(), machine, loadAverageAtEnd: loadavg(), versions: versions(), git });
}

/** The commit measured, and whether the measured code (the library, the baseline, the bench) differed from it. */
export async function gitInfo(): Promise<GitInfo> {
  const commit = await execa("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT });
  const measured = ["lib", "test/reference", "harness/bench", "harness/shared", "package.json", "pnpm-lock.yaml"];
  const status = await execa("git", ["status", "--porcelain", "--untracked-files=no", "--", ...measured], { cwd: REPO_ROOT });
  return { commit: commit.stdout.trim(), dirty: status.stdout.trim() !== "" };
}
