// The command line of `pnpm scenario`.
import { parseArgs } from "node:util";
import type { Backend } from "./client-protocol.ts";

export const USAGE = `usage: pnpm scenario <name> [--writers M] [--readers N] [--runs K] [--seed S] [--path P | --plan FILE]
                     [--backend lmdb|level|both] [--duration ms] [--shrinks N]
       pnpm scenario --list

  --writers, --readers  processes of each kind (defaults per scenario, see --list)
  --runs                generated runs (with --path or --plan: how many times to replay that one plan)
  --seed                fast-check seed; the same seed and settings generate the same programs
  --path                replay the counterexample a failure printed (needs its --seed)
  --plan                replay a saved plan: a report's failing plan (reports/<name>.json) or a plan file
  --backend             lmdb (default), level (the reference level-cache), or both
  --duration            start no new run after this many milliseconds
  --shrinks             smaller plans to try after a failure (default 20; each is a full run)

Writes reports/<name>.json and reports/<name>.md; exits 0 only when every property held.`;

export type CliArgs =
  | { kind: "list" }
  | { kind: "help" }
  | {
      kind: "run";
      name: string;
      writers?: number;
      readers?: number;
      runs?: number;
      seed?: number;
      path?: string;
      planFile?: string;
      backends: Backend[];
      durationMs?: number;
      shrinks?: number;
    };

export class UsageError extends Error {}

function count(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  return n;
}

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        list: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        writers: { type: "string" },
        readers: { type: "string" },
        runs: { type: "string" },
        seed: { type: "string" },
        path: { type: "string" },
        plan: { type: "string" },
        backend: { type: "string" },
        duration: { type: "string" },
        shrinks: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  if (values.list) return { kind: "list" };
  // `pnpm scenario -- name` passes the "--" through.
  const names = positionals.filter((p) => p !== "--");
  if (names.length !== 1) throw new UsageError(names.length === 0 ? "name a scenario (see --list)" : `one scenario at a time, got ${names.join(", ")}`);
  const backend = values.backend ?? "lmdb";
  if (backend !== "lmdb" && backend !== "level" && backend !== "both") {
    throw new UsageError(`--backend is lmdb, level or both, got ${JSON.stringify(backend)}`);
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed takes an integer, got ${JSON.stringify(values.seed)}`);
  if (values.path !== undefined && seed === undefined) throw new UsageError("--path replays a counterexample and needs its --seed");
  if (values.path !== undefined && values.plan !== undefined) throw new UsageError("--path and --plan each name the plan to replay: give one");
  return {
    kind: "run",
    name: names[0]!,
    writers: count(values.writers, "writers", 0),
    readers: count(values.readers, "readers", 0),
    runs: count(values.runs, "runs", 1),
    seed,
    path: values.path,
    planFile: values.plan,
    backends: backend === "both" ? ["lmdb", "level"] : [backend],
    durationMs: count(values.duration, "duration", 1),
    shrinks: count(values.shrinks, "shrinks", 0),
  };
}
