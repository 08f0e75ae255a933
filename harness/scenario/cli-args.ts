// The command line of `pnpm scenario`.
import { integer, parseCommandLine, UsageError, wholeNumber } from "../shared/args.ts";
import { type Backend, BACKENDS } from "./client-protocol.ts";

export const USAGE = `usage: pnpm scenario <name> [--writers M] [--readers N] [--runs K] [--seed S] [--path P | --plan FILE]
                     [--backend lmdb|level|redis|both|A,B] [--duration ms] [--shrinks N] [--record]
       pnpm scenario --list

  --writers, --readers  processes of each kind (defaults per scenario, see --list)
  --runs                generated runs (with --path or --plan: how many times to replay that one plan)
  --seed                fast-check seed; the same seed and settings generate the same programs
  --path                replay the counterexample a failure printed (needs its --seed)
  --plan                replay a saved plan: a report's failing plan (.runs/<name>.json) or a plan file
  --backend             lmdb (default), level (the reference level-cache), redis (a redis-server the run
                        starts on loopback; processes stand in for hosts), both (lmdb and level), or a
                        list such as lmdb,redis: one report row each
  --duration            start no new run after this many milliseconds
  --shrinks             smaller plans to try after a failure (default 20; each is a full run)
  --record              write the recorded report in reports/ instead of .runs/ (git-ignored)

Writes .runs/<name>.json and .runs/<name>.md (reports/ with --record); exits 0 only when every property held.`;

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
      /** Write the recorded report in reports/ rather than the latest one in .runs/. */
      record: boolean;
    };

export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals: names } = parseCommandLine(
    {
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
      record: { type: "boolean" },
    },
    argv,
  );
  if (values.help) return { kind: "help" };
  if (values.list) return { kind: "list" };
  if (names.length !== 1) throw new UsageError(names.length === 0 ? "name a scenario (see --list)" : `one scenario at a time, got ${names.join(", ")}`);
  const backend = values.backend ?? "lmdb";
  const backends = (backend === "both" ? "lmdb,level" : backend).split(",");
  const unknown = backends.find((name) => !(BACKENDS as readonly string[]).includes(name));
  if (unknown !== undefined || new Set(backends).size !== backends.length) {
    throw new UsageError(`--backend is lmdb, level, redis, a list of them (lmdb,redis) or both, got ${JSON.stringify(backend)}`);
  }
  const seed = integer(values.seed, "seed");
  if (values.path !== undefined && seed === undefined) throw new UsageError("--path replays a counterexample and needs its --seed");
  if (values.path !== undefined && values.plan !== undefined) throw new UsageError("--path and --plan each name the plan to replay: give one");
  return {
    kind: "run",
    name: names[0]!,
    writers: wholeNumber(values.writers, "writers", 0),
    readers: wholeNumber(values.readers, "readers", 0),
    runs: wholeNumber(values.runs, "runs", 1),
    seed,
    path: values.path,
    planFile: values.plan,
    backends: backends as Backend[],
    durationMs: wholeNumber(values.duration, "duration", 1),
    shrinks: wholeNumber(values.shrinks, "shrinks", 0),
    record: values.record === true,
  };
}
