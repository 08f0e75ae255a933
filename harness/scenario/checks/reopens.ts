// Every reopen succeeds: a process that closes its cache opens the same directory again, however many
// other processes are opening, closing, reading and writing it meanwhile. processesWorked fails the same
// records; this check says what a failed reopen raced with and whether the process ever opened again
// (every later operation of a process left without a cache opens it first), which tells a passing glitch
// from a directory that stays unopenable.
import type { History, OpRecord } from "../history.ts";
import { describeOp } from "../operations.ts";
import { Failures, at } from "./failures.ts";
import type { CheckOutcome } from "../scenario.ts";

const WRITES = new Set(["set", "del", "batch"]);

function overlaps(a: OpRecord, b: OpRecord): boolean {
  return a.t0 <= b.t1 && b.t0 <= a.t1;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function name(record: OpRecord): string {
  return `${record.proc}#${record.seq}`;
}

/** What happened to the process after a failed reopen: how many of its cache operations failed, until which succeeded. */
function aftermath(later: OpRecord[], origin: number): string {
  const touching = later.filter((r) => r.op.kind !== "sleep");
  const recovered = touching.findIndex((r) => r.outcome === "ok");
  const failedAfter = recovered === -1 ? touching.filter((r) => r.outcome === "error").length : recovered;
  const failedText = failedAfter === 0 ? "" : `its next ${failedAfter === 1 ? "operation" : `${failedAfter} operations`} failed too, and `;
  if (recovered === -1) return `${failedText}it never had the cache open again`;
  const next = touching[recovered]!;
  return `${failedText}it had the cache open again at ${name(next)} ${describeOp(next.op)} (${at(next.t0, origin)})`;
}

export function reopensSucceeded(history: History): CheckOutcome {
  const failures = new Failures();
  const byProcess = new Map<string, OpRecord[]>();
  for (const record of history.records) {
    let list = byProcess.get(record.proc);
    if (list === undefined) byProcess.set(record.proc, (list = []));
    list.push(record);
  }
  for (const list of byProcess.values()) list.sort((a, b) => a.seq - b.seq);
  const reopens = history.records.filter((r) => r.op.kind === "reopen");
  for (const record of reopens) {
    // A reopen its process was killed inside is no verdict on the cache.
    if (record.outcome === "pending") continue;
    failures.checked++;
    if (record.outcome === "ok") continue;
    const others = history.records.filter((r) => r.proc !== record.proc && overlaps(r, record));
    const racing = others.filter((r) => r.op.kind === "reopen").map(name);
    const writes = others.filter((r) => WRITES.has(r.op.kind)).length;
    const listed = racing.length === 0 ? "" : ` (${racing.slice(0, 6).join(", ")}${racing.length > 6 ? ", ..." : ""})`;
    const meanwhile = `${count(racing.length, "reopen")}${listed} and ${count(writes, "write")} of other processes`;
    const later = byProcess.get(record.proc)!.filter((r) => r.seq > record.seq);
    failures.add(
      `${name(record)} ${describeOp(record.op)} [${at(record.t0, history.goAt)}, ${at(record.t1, history.goAt)}] failed: ` +
        `${record.error?.code ?? ""} ${record.error?.message ?? ""}; meanwhile ${meanwhile} were under way; ${aftermath(later, history.goAt)}`,
    );
  }
  return failures.outcome();
}
