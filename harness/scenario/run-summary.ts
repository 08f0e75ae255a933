// The figures of one executed run, as reports show them.
import type { History } from "./history.ts";
import { isCacheOp } from "./history.ts";
import { clockSpread } from "./checks/processes.ts";
import type { RunPlan } from "./scenario.ts";

/** `killedIn`: "in batch" (the operation the kill interrupted), "between operations" or "after its program". */
export type ProcessSummary = { proc: string; role: string; ops: number; killed: boolean; killedIn?: string };

export type RunSummary = {
  index: number;
  shrinking: boolean;
  passed: boolean;
  seconds: number;
  processes: number;
  opsChecked: number;
  clockSpreadMs: number;
  perProcess: ProcessSummary[];
};

/** Cache operations in a history (sleeps left out): what the checks looked at. */
export function checkedOps(history: History): number {
  return history.records.filter(isCacheOp).length;
}

export function summariseRun(
  index: number,
  shrinking: boolean,
  plan: RunPlan<unknown>,
  history: History,
  passed: boolean,
  seconds: number,
): RunSummary {
  const perProcess = history.processes.map((p): ProcessSummary => {
    const records = history.records.filter((r) => r.proc === p.proc);
    const pending = records.find((r) => r.outcome === "pending");
    const killed = p.killPlanned && p.signal === "SIGKILL";
    const programLength = plan.processes.find((q) => q.name === p.proc)?.program.length ?? 0;
    const idle = records.length >= programLength ? "after its program" : "between operations";
    return {
      proc: p.proc,
      role: p.role,
      ops: records.filter(isCacheOp).length,
      killed,
      ...(killed ? { killedIn: pending === undefined ? idle : `in ${pending.op.kind}` } : {}),
    };
  });
  return {
    index,
    shrinking,
    passed,
    seconds,
    processes: plan.processes.length + (plan.final === undefined ? 0 : 1),
    opsChecked: checkedOps(history),
    clockSpreadMs: clockSpread(history),
    perProcess,
  };
}
