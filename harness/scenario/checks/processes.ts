// How the processes fared: they opened the cache, completed every operation without error and ended
// cleanly; planned kills landed; survivors kept working after a kill; the directory reopens.
import type { History, ProcessOutcome } from "../history.ts";
import { describeOp } from "../operations.ts";
import { Failures, at } from "./failures.ts";
import type { CheckOutcome } from "../scenario.ts";

function ending(p: ProcessOutcome): string {
  if (p.timedOut) return "was stopped at the run's time limit";
  if (p.openError !== undefined) return `could not open the cache: ${p.openError.code ?? ""} ${p.openError.message}`;
  const how = p.signal !== undefined ? `died of ${p.signal}` : `exited with code ${p.exitCode}`;
  return `${how}${p.stderr ? `: ${p.stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`;
}

/** Every process not planned to die opened the cache, ended with code 0, and no operation of any process failed. */
export function processesWorked(history: History): CheckOutcome {
  const failures = new Failures();
  for (const p of history.processes) {
    failures.checked++;
    const clean = p.exitCode === 0 && p.openError === undefined && !p.timedOut;
    if (!p.killPlanned && !clean) failures.add(`${p.proc} ${ending(p)}`);
  }
  for (const r of history.records) {
    if (r.outcome === "error") {
      failures.add(`${r.proc}#${r.seq} ${describeOp(r.op)} failed: ${r.error?.code ?? ""} ${r.error?.message ?? ""}`);
    }
  }
  return failures.outcome();
}

/** Every planned kill killed its process (SIGKILL), rather than the process ending some other way. */
export function killsLanded(history: History): CheckOutcome {
  const failures = new Failures();
  for (const p of history.processes) {
    if (!p.killPlanned) continue;
    failures.checked++;
    if (p.signal !== "SIGKILL" || p.timedOut) failures.add(`${p.proc} was to be killed but ${ending(p)}`);
  }
  return failures.outcome();
}

/** After the last kill, the processes that were not killed still completed operations. */
export function survivorsWentOn(history: History): CheckOutcome {
  const failures = new Failures();
  const killed = history.processes.filter((p) => p.killPlanned && p.signal === "SIGKILL");
  const survivors = new Set(history.processes.filter((p) => !p.killPlanned && p.proc !== "final").map((p) => p.proc));
  if (killed.length === 0 || survivors.size === 0) return failures.outcome();
  failures.checked++;
  const lastKill = Math.max(...killed.map((p) => p.endedAt));
  const after = history.records.filter((r) => survivors.has(r.proc) && r.outcome === "ok" && r.t0 > lastKill);
  if (after.length === 0) {
    failures.add(`no surviving process (${[...survivors].join(", ")}) completed an operation invoked after the last kill at ${at(lastKill, history.goAt)}`);
  }
  return failures.outcome();
}

/** A fresh process opens the directory as it is, without repair, and reads and writes it. */
export function reopensClean(history: History): CheckOutcome {
  const failures = new Failures();
  const final = history.processes.find((p) => p.proc === "final");
  failures.checked++;
  if (final === undefined) {
    failures.add("no final process ran");
  } else if (final.exitCode !== 0 || final.openError !== undefined || final.timedOut) {
    failures.add(`the final process ${ending(final)}`);
  } else {
    const ops = history.records.filter((r) => r.proc === "final");
    if (ops.length === 0) failures.add("the final process recorded no operation");
    for (const r of ops) if (r.outcome !== "ok") failures.add(`final#${r.seq} ${describeOp(r.op)} failed: ${r.error?.message ?? r.outcome}`);
  }
  return failures.outcome();
}

/**
 * How far the processes' own wall clocks (performance.timeOrigin + now) disagreed, in ms: reported to show
 * why histories are ordered on the shared clock instead.
 */
export function clockSpread(history: History): number {
  const offsets = history.processes.flatMap((p) => (p.wallClockSkew === undefined ? [] : [p.wallClockSkew]));
  return offsets.length > 1 ? Math.max(...offsets) - Math.min(...offsets) : 0;
}
