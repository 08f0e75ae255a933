// Runs a scenario for one backend under fast-check: each run is a generated plan (one program per
// process, and kill points), executed by real processes and checked; a failing plan is shrunk.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { summariseRun, type RunSummary } from "./run-summary.ts";
import { runPlan, type RunProgress } from "./run.ts";
import type { History } from "./history.ts";
import type { CheckOutcome, RunPlan, Scenario } from "./scenario.ts";
import { startRedisServer } from "../shared/redis-server.ts";
import type { Backend } from "./client-protocol.ts";

export type ScenarioSettings = {
  readers: number;
  writers: number;
  runs: number;
  seed: number;
  /**
   * fast-check's path of a counterexample: replays exactly that plan, up to `runs` times (a race may need a few
   * tries), stopping at the first failure. A saved plan (--plan) is replayed the same way: `runs` times.
   */
  path?: string;
  /** The file a saved plan was replayed from (see saved-plan.ts): the replay command names it. */
  planFile?: string;
  backend: Backend;
  /** Start no new run after this many milliseconds (a run under way, and shrinking, still finish). */
  durationMs?: number;
  /** How many smaller plans shrinking may try after a failure (each is a full run). */
  shrinks: number;
  /** A run still going after this long is stopped and fails. */
  runTimeoutMs: number;
};

export type CheckTotal = { name: string; checked: number; failedRuns: number; failures: string[] };

export type Counterexample = {
  seed: number;
  path: string;
  replay: string;
  /** The failing plan, when the failure came from the checks (not from the harness itself). */
  plan: RunPlan<unknown> | undefined;
  failedChecks: { name: string; failures: string[] }[];
  history: History | undefined;
  error?: string;
};

export type RowResult = {
  backend: Backend;
  verdict: "passed" | "failed" | "unsupported";
  reason?: string;
  /** Runs executed (the failing one included; replays of a --path each count), and successful shrink steps. */
  runs: number;
  shrinks: number;
  stoppedByDuration: boolean;
  /** Processes the first plan forked (the final one included): what an unsupported row tried. */
  processesPerRun: number;
  seconds: number;
  opsChecked: number;
  checks: CheckTotal[];
  executions: RunSummary[];
  counterexample?: Counterexample;
};

export type RunnerEvents = {
  runStarted?: (index: number, shrinking: boolean) => void;
  progress?: (progress: RunProgress) => void;
  runEnded?: (summary: RunSummary) => void;
};

export function replayCommand(scenario: string, settings: ScenarioSettings, path: string): string {
  const { backend, writers, readers, seed, planFile } = settings;
  if (planFile !== undefined) return `pnpm scenario ${scenario} --backend ${backend} --plan ${planFile}`;
  // A negative seed would read as an option: it needs the --seed=S form.
  const seedOption = seed < 0 ? `--seed=${seed}` : `--seed ${seed}`;
  return `pnpm scenario ${scenario} --backend ${backend} --writers ${writers} --readers ${readers} ${seedOption} --path ${path}`;
}

class Unsupported extends Error {}

/** fast-check settings that run just the plan at `path` (no shrinking). */
function replay(path: string | undefined) {
  return path === undefined ? {} : { path, numRuns: 1, endOnFailure: true };
}

export async function runScenario<C>(
  scenario: Scenario<C>,
  settings: ScenarioSettings,
  events: RunnerEvents = {},
): Promise<RowResult> {
  const started = performance.now();
  // The redis backend's server: one for the whole row, each run under a prefix of its own.
  const redis = settings.backend === "redis" ? await startRedisServer() : undefined;
  const root = mkdtempSync(join(tmpdir(), `lmdb-cache-${scenario.name}-`));
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  process.once("exit", removeRoot);
  const totals = new Map<string, CheckTotal>(scenario.checks.map((c) => [c.name, { name: c.name, checked: 0, failedRuns: 0, failures: [] }]));
  const executions: RunSummary[] = [];
  let unsupported: string | undefined;
  let processesPerRun = 0;
  let failing: { plan: RunPlan<C>; history: History; failed: { name: string; failures: string[] }[] } | undefined;

  const deadline = settings.durationMs === undefined ? Infinity : started + settings.durationMs;
  let stoppedByDuration = false;

  const predicate = async (plan: RunPlan<C>): Promise<void> => {
    if (unsupported !== undefined) throw new Unsupported(unsupported);
    // Past the deadline the remaining runs are not executed (and not counted).
    if (failing === undefined && performance.now() > deadline) {
      stoppedByDuration = true;
      return;
    }
    const index = executions.length;
    const shrinking = failing !== undefined;
    if (index === 0) processesPerRun = plan.processes.length + (plan.final === undefined ? 0 : 1);
    events.runStarted?.(index, shrinking);
    const dir = join(root, `run-${index}`);
    const runStarted = performance.now();
    try {
      const outcome = await runPlan({
        backend: settings.backend,
        ...(redis === undefined ? {} : { redisUrl: redis.url }),
        plan: plan as RunPlan<unknown>,
        dir,
        timeoutMs: settings.runTimeoutMs,
        onProgress: events.progress,
      });
      if (outcome.kind === "unsupported") {
        unsupported = outcome.reason;
        throw new Unsupported(outcome.reason);
      }
      const { history } = outcome;
      const results: (CheckOutcome & { name: string })[] = scenario.checks.map((check) => ({ name: check.name, ...check.run(history, plan) }));
      const failed = results.filter((r) => r.failures.length > 0).map(({ name, failures }) => ({ name, failures }));
      for (const result of results) {
        const total = totals.get(result.name)!;
        total.checked += result.checked;
        if (result.failures.length > 0) {
          total.failedRuns++;
          if (total.failures.length === 0) total.failures = result.failures.slice(0, 5);
        }
      }
      const summary = summariseRun(index, shrinking, plan, history, failed.length === 0, (performance.now() - runStarted) / 1000);
      executions.push(summary);
      events.runEnded?.(summary);
      if (failed.length > 0) {
        failing = { plan, history, failed };
        throw new Error(failed.map((f) => `${f.name}: ${f.failures[0]}`).join("\n"));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    const property = fc.asyncProperty(fc.limitShrink(scenario.plan(settings), settings.shrinks), predicate);
    let details = await fc.check(property, { seed: settings.seed, numRuns: settings.runs, ...replay(settings.path) });
    for (let i = 1; settings.path !== undefined && i < settings.runs && !details.failed && !stoppedByDuration; i++) {
      details = await fc.check(property, { seed: settings.seed, ...replay(settings.path) });
    }
    const seconds = (performance.now() - started) / 1000;
    const base = {
      backend: settings.backend,
      runs: unsupported === undefined ? executions.filter((e) => !e.shrinking).length : 1,
      // Shrinking an unsupported run only replays the refusal; it is no shrinking.
      shrinks: unsupported === undefined ? details.numShrinks : 0,
      stoppedByDuration,
      processesPerRun,
      seconds,
      opsChecked: executions.reduce((sum, e) => sum + e.opsChecked, 0),
      checks: [...totals.values()],
      executions,
    };
    if (unsupported !== undefined) {
      return { ...base, verdict: "unsupported", reason: `${unsupported}: a second process cannot open the directory` };
    }
    if (!details.failed) return { ...base, verdict: "passed" };
    const path = details.counterexamplePath ?? "";
    const counterexample: Counterexample = {
      seed: details.seed,
      path,
      replay: replayCommand(scenario.name, settings, path),
      plan: failing?.plan as RunPlan<unknown> | undefined,
      failedChecks: failing?.failed ?? [],
      history: failing?.history,
    };
    if (failing === undefined) counterexample.error = String(details.errorInstance);
    return { ...base, verdict: "failed", counterexample };
  } finally {
    removeRoot();
    process.removeListener("exit", removeRoot);
    await redis?.stop();
  }
}
