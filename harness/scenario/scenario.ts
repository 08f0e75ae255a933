import type { Arbitrary } from "fast-check";
import type { History } from "./history.ts";
import type { Op } from "./operations.ts";
import type { Eviction } from "../../lib/index.ts";

/**
 * A scenario: processes that share one cache directory, the programs they run, and the checks over what
 * they did. One file per scenario in scenarios/, listed in scenarios/index.ts. To write one:
 *
 * - `plan(settings)` returns a fast-check arbitrary of one run (a `RunPlan`); fast-check generates it,
 *   shrinks it on failure and replays it from `--seed`/`--path`. Build programs from small generated
 *   choices (indices into a generated key pool, say) and `.map` them into concrete `Op`s, so shrinking
 *   works; stamp written values with `stampValue` so every write is recognisable in reads. The helpers in
 *   harness/scenario/generator/programs.ts do this (`rawOpArb`, `resolveProgram`, `writersArb`, `readersArb`, `processPlans`).
 * - Processes: one `ProcessPlan` per process, named "w0".. for writers and "r0".. for readers
 *   (`settings.writers` and `settings.readers` say how many). A process runs its `program` once, or with
 *   `loop` repeats it until every non-looping process has ended and it has begun an operation after that.
 * - Kill points: `kill: { op, delayUs }` on a process SIGKILLs it `delayUs` microseconds after it invokes
 *   `program[op]`, or later when the machine is busy; the operation it interrupted becomes a "pending"
 *   record (it may or may not have taken effect), and reports say where each kill landed.
 * - `final`: a program run by one fresh process ("final") after all others have ended: it reads the
 *   final state (see `finalSnapshot`), and what it sees is checked like any other read.
 * - `checks`: each names the property it holds to, looks at the merged `History` and returns how many
 *   things it checked and what failed. harness/scenario/checks/ has the checkers (modelOf(history) gives the writes
 *   and reads per key). A check must be able to fail: give each a unit test on a hand-made broken history
 *   (harness/scenario/checks/test-history.ts builds them).
 * - `context` carries whatever else the checks need (the groups of a batch scenario, say).
 * - `notes` are paragraphs for the report (what the scenario's clock is, for instance).
 */
export type Scenario<C = unknown> = {
  name: string;
  /** One line for `pnpm scenario --list`. */
  summary: string;
  /** Paragraphs for the report: what the numbers mean for this scenario (its clock, say). */
  notes?: string[];
  defaults: { readers: number; writers: number; runs: number };
  plan: (settings: PlanSettings) => Arbitrary<RunPlan<C>>;
  checks: ReadonlyArray<Check<C>>;
};

export type PlanSettings = { readers: number; writers: number };

export type RunPlan<C = unknown> = {
  processes: ProcessPlan[];
  final?: Op[];
  context: C;
};

export type ProcessPlan = {
  name: string;
  role: "writer" | "reader";
  program: Op[];
  loop?: boolean;
  kill?: { op: number; delayUs: number };
  /** Value codec this process writes with (LMDB only; "json" unless given). */
  values?: "json" | "structured";
  /** The bound and eviction policy this process opens its cache with (LMDB only; none unless given). */
  bound?: CacheBound;
};

export type CacheBound = { maxSizeBytes: number; eviction: Eviction };

export type Check<C = unknown> = {
  /** The property, stated as what must hold ("every read returns ..."). */
  name: string;
  run(history: History, plan: RunPlan<C>): CheckOutcome;
};

export type CheckOutcome = { checked: number; failures: string[] };
