// Hand-made histories for the checkers' tests: each call records one operation of one process over
// [t0, t1] (milliseconds from the start of the run), numbered per process in call order.
import type { GetResult, History, OpRecord, OpResult, ProcessOutcome } from "../history.ts";
import type { BatchEntry, NsPath, Op } from "../operations.ts";

export const ABSENT = Symbol("absent");
type Span = [number, number];
type Extra = { ns?: NsPath; clock?: number[]; outcome?: OpRecord["outcome"] };

export class HistoryBuilder {
  private readonly records: OpRecord[] = [];
  private readonly seqs = new Map<string, number>();
  readonly processes: ProcessOutcome[] = [];

  private add(proc: string, op: Op, [t0, t1]: Span, result: OpResult | undefined, extra: Extra): this {
    const seq = this.seqs.get(proc) ?? 0;
    this.seqs.set(proc, seq + 1);
    const outcome = extra.outcome ?? "ok";
    const record: OpRecord = { proc, seq, step: seq, op, t0, t1: outcome === "pending" ? Infinity : t1, m0: t0, m1: t1, clock: extra.clock ?? [], outcome };
    if (result !== undefined) record.result = result;
    this.records.push(record);
    return this;
  }

  set(proc: string, key: string, value: unknown, span: Span, extra: Extra & { ttlMs?: number } = {}): this {
    const op: Op = { kind: "set", ns: extra.ns ?? [], key, value, ...(extra.ttlMs === undefined ? {} : { ttlMs: extra.ttlMs }) };
    return this.add(proc, op, span, undefined, extra);
  }

  del(proc: string, key: string, span: Span, extra: Extra = {}): this {
    return this.add(proc, { kind: "del", ns: extra.ns ?? [], key }, span, undefined, extra);
  }

  batch(proc: string, ops: BatchEntry[], span: Span, extra: Extra = {}): this {
    return this.add(proc, { kind: "batch", ns: extra.ns ?? [], ops }, span, undefined, extra);
  }

  get(proc: string, key: string, seen: unknown, span: Span, extra: Extra = {}): this {
    const result: GetResult = seen === ABSENT ? { found: false } : { found: true, value: seen };
    return this.add(proc, { kind: "get", ns: extra.ns ?? [], key }, span, result, extra);
  }

  has(proc: string, key: string, seen: boolean, span: Span, extra: Extra = {}): this {
    return this.add(proc, { kind: "has", ns: extra.ns ?? [], key }, span, seen, extra);
  }

  entries(proc: string, pairs: [string, unknown][], span: Span, extra: Extra & { limit?: number } = {}): this {
    const op: Op = { kind: "entries", ns: extra.ns ?? [], ...(extra.limit === undefined ? {} : { limit: extra.limit }) };
    return this.add(proc, op, span, pairs, extra);
  }

  sweep(proc: string, count: number, span: Span, extra: Extra = {}): this {
    return this.add(proc, { kind: "sweep" }, span, count, extra);
  }

  size(proc: string, sizes: { liveBytes: number; fileBytes: number }, span: Span): this {
    return this.add(proc, { kind: "size" }, span, sizes, {});
  }

  reopen(proc: string, span: Span, extra: Extra & { pauseMs?: number } = {}): this {
    const op: Op = { kind: "reopen", ...(extra.pauseMs === undefined ? {} : { pauseMs: extra.pauseMs }) };
    return this.add(proc, op, span, undefined, extra);
  }

  failed(proc: string, op: Op, span: Span): this {
    this.add(proc, op, span, undefined, { outcome: "error" });
    this.records.at(-1)!.error = { code: "CACHE_IO", message: "storage engine failed" };
    return this;
  }

  process(proc: string, outcome: Partial<ProcessOutcome> = {}): this {
    this.processes.push({ proc, role: proc === "final" ? "final" : proc.startsWith("r") ? "reader" : "writer", killPlanned: false, endedAt: 1000, stderr: "", timedOut: false, exitCode: 0, ...outcome });
    return this;
  }

  build(toleranceMs = 0): History {
    return { records: [...this.records], processes: [...this.processes], toleranceMs, goAt: 0 };
  }
}
