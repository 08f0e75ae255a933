// The properties of the stampede scenario (scenarios/stampede.ts), judged on what its processes recorded:
// the computations (one line each in a shared append-only file, written before the computation starts, so
// a killed owner's line survives it), what every caller got, and what was stored after each round.
import { isDeepStrictEqual } from "node:util";
import type { CheckOutcome } from "../scenario.ts";

/** One computation a process started: the side channel's line. Times are CLOCK_MONOTONIC ms (one clock for the machine). */
export type Computation = { round: number; key: string; proc: string; startedAt: number };

/** What one caller of getOrSet got: the value, or the error's code. */
export type Call = { round: number; proc: string; key: string; caller: number; value?: unknown; error?: string };

/** The value a computation returns, and so the one every caller of that key in that round must get. */
export type Computed = { key: string; round: number; proc: string };

export type StampedeRound = {
  round: number;
  /** Each process's count of computations in the round, from the library's stats() (the killed process's is lost). */
  computes: Record<string, number>;
  /** Every key as a fresh get read it after the round. */
  stored: Record<string, unknown>;
};

export type StampedeKill = { round: number; proc: string; at: number; signal: string | undefined };

export type StampedeRecord = {
  keys: readonly string[];
  rounds: StampedeRound[];
  computations: Computation[];
  calls: Call[];
  kill?: StampedeKill;
  /** How long after the kill a survivor may start the computation it took over. */
  takeoverBoundMs: number;
};

function computationsOf(record: StampedeRecord, round: number, key: string): Computation[] {
  return record.computations.filter((c) => c.round === round && c.key === key);
}

/** The process killed in this round, if any: its computation is the one the others replaced. */
function killedIn(record: StampedeRecord, round: number): string | undefined {
  return record.kill?.round === round ? record.kill.proc : undefined;
}

/**
 * One computation per key per round, by the processes that lived (the killed owner's interrupted one
 * aside), and each process's own count (stats().computes) agrees with the side channel.
 */
export function oneComputationPerKey(record: StampedeRecord): CheckOutcome {
  const failures: string[] = [];
  let checked = 0;
  for (const { round, computes } of record.rounds) {
    const killed = killedIn(record, round);
    for (const key of record.keys) {
      checked++;
      const all = computationsOf(record, round, key);
      const lived = all.filter((c) => c.proc !== killed);
      if (lived.length !== 1) failures.push(`round ${round}, ${key}: ${lived.length} computations (${lived.map((c) => c.proc).join(", ") || "none"})`);
      if (all.length - lived.length > 1) failures.push(`round ${round}, ${key}: the killed ${killed} computed it ${all.length - lived.length} times`);
    }
    for (const [proc, count] of Object.entries(computes)) {
      checked++;
      const logged = record.computations.filter((c) => c.round === round && c.proc === proc).length;
      if (count !== logged) failures.push(`round ${round}, ${proc}: stats().computes grew by ${count}, its computations logged ${logged}`);
    }
  }
  return { checked, failures };
}

/** Every caller got the value the round's computation returned, and that value is what was stored. */
export function callersGetStoredValue(record: StampedeRecord): CheckOutcome {
  const failures: string[] = [];
  let checked = 0;
  for (const { round, stored } of record.rounds) {
    const killed = killedIn(record, round);
    for (const key of record.keys) {
      const computer = computationsOf(record, round, key).find((c) => c.proc !== killed)?.proc ?? "?";
      const expected: Computed = { key, round, proc: computer };
      checked++;
      if (!isDeepStrictEqual(stored[key], expected)) {
        failures.push(`round ${round}, ${key}: stored ${JSON.stringify(stored[key])}, computed ${JSON.stringify(expected)}`);
      }
      for (const call of record.calls.filter((c) => c.round === round && c.key === key)) {
        checked++;
        if (call.error !== undefined) failures.push(`round ${round}, ${key}: ${call.proc} caller ${call.caller} failed with ${call.error}`);
        else if (!isDeepStrictEqual(call.value, expected)) {
          failures.push(`round ${round}, ${key}: ${call.proc} caller ${call.caller} got ${JSON.stringify(call.value)}, computed ${JSON.stringify(expected)}`);
        }
      }
    }
  }
  return { checked, failures };
}

/** For each key whose owner was killed while computing it: how long after the kill another process started computing it. */
export function takeoverTimes(record: StampedeRecord): { key: string; ms: number | undefined }[] {
  const { kill } = record;
  if (kill === undefined) return [];
  return record.keys.flatMap((key) => {
    const all = computationsOf(record, kill.round, key);
    if (!all.some((c) => c.proc === kill.proc)) return [];
    const next = all.find((c) => c.proc !== kill.proc);
    return [{ key, ms: next === undefined ? undefined : next.startedAt - kill.at }];
  });
}

/**
 * An owner SIGKILLed mid-computation is replaced: it owned at least one key, and another process began
 * each of its keys after the kill and within the bound (far below the lease, so only the dead owner's
 * detection explains it).
 */
export function deadOwnerReplaced(record: StampedeRecord): CheckOutcome {
  const { kill } = record;
  if (kill === undefined) return { checked: 0, failures: ["no process was killed"] };
  const failures: string[] = [];
  if (kill.signal !== "SIGKILL") failures.push(`${kill.proc} ended by ${kill.signal ?? "exiting"}, not SIGKILL`);
  const taken = takeoverTimes(record);
  if (taken.length === 0) failures.push(`${kill.proc} was computing no key when it was killed`);
  for (const { key, ms } of taken) {
    if (ms === undefined) failures.push(`${key}: nobody took over from ${kill.proc}`);
    else if (ms < 0) failures.push(`${key}: computed again ${(-ms).toFixed(1)} ms before its owner was killed`);
    else if (ms > record.takeoverBoundMs) failures.push(`${key}: taken over ${ms.toFixed(1)} ms after the kill, bound ${record.takeoverBoundMs} ms`);
  }
  return { checked: 1 + taken.length, failures };
}
