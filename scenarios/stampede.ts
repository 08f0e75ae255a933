// pnpm scenario stampede [--processes N] [--keys K] [--seed S] [--record]: N processes ask for the same
// cold keys with getOrSet at a barrier, for three rounds: the keys cold, the keys expired (the caches'
// clock moved past their TTL), and the keys expired again while one process, the first to claim them,
// blocks in every computation until the parent SIGKILLs it. Checked: one computation per key per round,
// every caller gets the stored value, and the dead owner's keys are taken over far sooner than its lease
// ends. Writes stampede.json and .md (in .runs/, or reports/ with --record); exit code 0 only when every
// property held.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { integer, parseCommandLine, UsageError, wholeNumber } from "../harness/shared/args.ts";
import { Child } from "../harness/shared/child.ts";
import { epochOffset, monotonicNow } from "../harness/shared/clock.ts";
import { reportsDir, writeReportFiles } from "../harness/shared/report-files.ts";
import { seededRng } from "../harness/shared/rng.ts";
import { quantile, round as rounded } from "../harness/shared/stats.ts";
import {
  type Call,
  type Computation,
  callersGetStoredValue,
  deadOwnerReplaced,
  oneComputationPerKey,
  type StampedeRecord,
  takeoverTimes,
} from "../harness/scenario/checks/stampede.ts";
import type { CheckOutcome } from "../harness/scenario/scenario.ts";
import type { StampedeJob, StampedeMessage, StampedeParentMessage } from "../harness/scenario/stampede-client.ts";

export const summary = "N processes getOrSet the same cold keys at a barrier, then expired ones, then with their owner SIGKILLed mid-compute; writes stampede.*";

const USAGE = "usage: pnpm scenario stampede [--processes N] [--keys K] [--seed S] [--record]";
const CLIENT = fileURLToPath(new URL("../harness/scenario/stampede-client.ts", import.meta.url));

export type StampedeSettings = { processes: number; keys: number; seed: number };
export const DEFAULTS = { processes: 8, keys: 100 } as const;

/** Long, so that a quick takeover can only come from noticing the dead owner, never from its lease ending. */
const LEASE_MS = 60_000;
/** A takeover must start within this much of the kill: a twentieth of the lease. */
const TAKEOVER_BOUND_MS = LEASE_MS / 20;
/** Long enough that no value expires within a round; each round's clock moves past it. */
const TTL_MS = 600_000;
/** Shorter than the lease: a waiter that never takes over fails with CACHE_TIMEOUT instead of hanging the run. */
const WAIT_MS = 15_000;
const CALLERS = 2;
/** The whole run ends by then, stuck processes killed. */
const RUN_TIMEOUT_MS = 120_000;
const ROUNDS = ["cold", "expired", "owner killed"] as const;
const KILL_ROUND = 2;

type Client = { proc: string; child: Child<StampedeMessage> };

export type StampedeReport = {
  scenario: "stampede";
  summary: string;
  /** The command that ran it, when a command did. */
  command?: string;
  replay: string;
  finishedAt: string;
  seconds: number;
  settings: StampedeSettings & { leaseMs: number; ttlMs: number; waitMs: number; callers: number; takeoverBoundMs: number; killDelayMs: number };
  verdict: "passed" | "failed";
  rounds: { round: number; kind: string; computations: number; perKey: { min: number; max: number }; seconds: number }[];
  takeover: { victim: string; keys: number; p50Ms: number; p99Ms: number; maxMs: number };
  checks: { name: string; checked: number; failures: string[] }[];
  /** Everything recorded, kept when a property failed. */
  record?: StampedeRecord;
};

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function readComputations(path: string): Computation[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [round, key, proc, startedAt] = line.split(" ");
      return { round: Number(round), key: key!, proc: proc!, startedAt: Number(startedAt) };
    });
}

export function replayCommand(settings: StampedeSettings): string {
  return `pnpm scenario stampede --processes ${settings.processes} --keys ${settings.keys} --seed ${settings.seed}`;
}

/** Runs the three rounds in a fresh directory and judges them. */
export async function runStampede(settings: StampedeSettings, log: (line: string) => void = () => {}): Promise<StampedeReport> {
  const started = performance.now();
  const rng = seededRng(settings.seed);
  const victimIndex = rng.below(settings.processes);
  const killDelayMs = rng.int(0, 30);
  const dir = mkdtempSync(join(tmpdir(), "lmdb-cache-stampede-"));
  const clients: Client[] = [];
  try {
    const computeLog = join(dir, "computations.log");
    const keys = Array.from({ length: settings.keys }, (_, i) => `key-${i}`);
    const offset = epochOffset();
    for (let index = 0; index < settings.processes; index++) {
      const proc = `p${index}`;
      const job: StampedeJob = {
        proc,
        index,
        seed: settings.seed,
        cachePath: join(dir, "cache"),
        computeLog,
        keys,
        epochOffset: offset,
        ttlMs: TTL_MS,
        leaseMs: LEASE_MS,
        waitMs: WAIT_MS,
        callers: CALLERS,
      };
      clients.push({ proc, child: new Child<StampedeMessage>(CLIENT, [JSON.stringify(job)], { tsx: true, ipc: true }) });
    }
    const timer = setTimeout(() => clients.forEach((c) => c.child.kill()), RUN_TIMEOUT_MS);
    const send = (client: Client, message: StampedeParentMessage) => client.child.send(message);
    try {
      await Promise.all(clients.map((c) => c.child.next("ready")));
      const record: StampedeRecord = { keys, rounds: [], computations: [], calls: [], takeoverBoundMs: TAKEOVER_BOUND_MS };
      const victim = clients[victimIndex]!;
      const roundSeconds: number[] = [];
      for (let round = 0; round < ROUNDS.length; round++) {
        const killing = round === KILL_ROUND;
        const living = clients.filter((c) => !(killing && c === victim) && record.kill?.proc !== c.proc);
        const roundStarted = performance.now();
        // Every cache's clock moves past the previous round's expiry before anyone asks.
        await Promise.all(clients.map((c) => send(c, { type: "round", round, shiftMs: round * 2 * TTL_MS, hang: killing && c === victim })));
        await Promise.all(clients.map((c) => c.child.next("armed")));
        if (killing) {
          // The victim asks first, so it claims every key before the others come to wait on it.
          await send(victim, { type: "go" });
          await victim.child.next("asked");
        }
        await Promise.all(living.map((c) => send(c, { type: "go" })));
        await Promise.all(living.map((c) => c.child.next("asked")));
        if (killing) {
          await new Promise((resolve) => setTimeout(resolve, killDelayMs));
          const at = monotonicNow();
          victim.child.kill();
          const exit = await victim.child.exited;
          record.kill = { round, proc: victim.proc, at, signal: exit.signal };
          log(`round ${round}: killed ${victim.proc} ${killDelayMs} ms after every other process had asked; reaped after ${(exit.endedAt - at).toFixed(1)} ms`);
        }
        const done = await within(Promise.all(living.map((c) => c.child.next("done"))), WAIT_MS * 2, `round ${round}`);
        roundSeconds.push((performance.now() - roundStarted) / 1000);
        done.forEach((message, i) => record.calls.push(...message.calls.map((call): Call => ({ ...call, round, proc: living[i]!.proc }))));
        const reader = living[0]!;
        await send(reader, { type: "read" });
        const { values } = await reader.child.next("stored");
        record.rounds.push({ round, computes: Object.fromEntries(done.map((m, i) => [living[i]!.proc, m.computes])), stored: values });
        log(`round ${round} (${ROUNDS[round]}): ${living.length} processes done in ${roundSeconds.at(-1)!.toFixed(2)} s`);
      }
      for (const client of clients) if (client !== victim) await send(client, { type: "close" });
      await Promise.all(clients.map((c) => c.child.exited));
      record.computations = readComputations(computeLog);
      return judge(settings, record, roundSeconds, killDelayMs, (performance.now() - started) / 1000);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    for (const client of clients) client.child.kill();
    await Promise.all(clients.map((c) => c.child.exited));
    rmSync(dir, { recursive: true, force: true });
  }
}

const CHECKS: { name: string; run: (record: StampedeRecord) => CheckOutcome }[] = [
  { name: "one computation per key per round, by the processes that lived; each process's stats().computes agrees", run: oneComputationPerKey },
  { name: "every caller gets the value that was computed and stored, the same for all callers of a key in a round", run: callersGetStoredValue },
  { name: `the owner SIGKILLed mid-compute is replaced: each of its keys computed again within ${TAKEOVER_BOUND_MS} ms of the kill (lease ${LEASE_MS} ms)`, run: deadOwnerReplaced },
];

function judge(settings: StampedeSettings, record: StampedeRecord, roundSeconds: number[], killDelayMs: number, seconds: number): StampedeReport {
  const checks = CHECKS.map(({ name, run }) => {
    const { checked, failures } = run(record);
    return { name, checked, failures: failures.slice(0, 10) };
  });
  const verdict = checks.every((c) => c.failures.length === 0) ? "passed" : "failed";
  const takeovers = takeoverTimes(record).flatMap(({ ms }) => (ms === undefined ? [] : [ms]));
  const rounds = roundSeconds.map((s, round) => {
    const perKey = record.keys.map((key) => record.computations.filter((c) => c.round === round && c.key === key).length);
    return {
      round,
      kind: ROUNDS[round]!,
      computations: perKey.reduce((a, b) => a + b, 0),
      perKey: { min: Math.min(...perKey), max: Math.max(...perKey) },
      seconds: rounded(s),
    };
  });
  return {
    scenario: "stampede",
    summary,
    replay: replayCommand(settings),
    finishedAt: new Date().toISOString(),
    seconds: rounded(seconds),
    settings: { ...settings, leaseMs: LEASE_MS, ttlMs: TTL_MS, waitMs: WAIT_MS, callers: CALLERS, takeoverBoundMs: TAKEOVER_BOUND_MS, killDelayMs },
    verdict,
    rounds,
    takeover: {
      victim: record.kill?.proc ?? "",
      keys: takeovers.length,
      p50Ms: rounded(quantile(takeovers, 0.5)),
      p99Ms: rounded(quantile(takeovers, 0.99)),
      maxMs: rounded(Math.max(...takeovers)),
    },
    checks,
    ...(verdict === "failed" ? { record } : {}),
  };
}

export function renderStampede(report: StampedeReport): string {
  const { settings: s, takeover: t } = report;
  const lines = [
    "# Scenario: stampede",
    "",
    `${report.summary}.`,
    "",
    `Verdict: **${report.verdict}** in ${report.seconds} s.${report.command === undefined ? "" : ` Command: \`${report.command}\`;`} Replay with \`${report.replay}\` (the seed picks the process killed, ` +
      "each process's order of the keys and the delay before the kill; scheduling still varies).",
    "",
    `${s.processes} processes, ${s.keys} keys, ${s.callers} callers of each key in each process; getOrSet with ttlMs ${s.ttlMs}, leaseMs ${s.leaseMs}, waitMs ${s.waitMs}. ` +
      "Computations are counted through a shared append-only file, one line written before each computation starts. " +
      "Between rounds every process's cache clock moves past the TTL; in the last round the victim asks first, so it owns every key, " +
      `and is SIGKILLed ${s.killDelayMs} ms after every other process has asked.`,
    "",
    "| round | keys | computations | per key (min–max) | seconds |",
    "|---|---|---|---|---|",
    ...report.rounds.map((r) => `| ${r.round} ${r.kind} | ${s.keys} | ${r.computations} | ${r.perKey.min}–${r.perKey.max} | ${r.seconds} |`),
    "",
    `Takeover after ${t.victim} was SIGKILLed mid-compute, from the kill to another process starting the computation, over ${t.keys} keys: ` +
      `p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms, max ${t.maxMs} ms (bound ${s.takeoverBoundMs} ms, lease ${s.leaseMs} ms).`,
    "",
    "| property | checked | result |",
    "|---|---|---|",
    ...report.checks.map((c) => `| ${c.name} | ${c.checked} | ${c.failures.length === 0 ? "held" : `FAILED: ${c.failures.slice(0, 3).join("; ")}`} |`),
    "",
  ];
  return lines.join("\n");
}

function parse(argv: readonly string[]): StampedeSettings & { record: boolean } {
  const { values } = parseCommandLine(
    { processes: { type: "string" }, keys: { type: "string" }, seed: { type: "string" }, record: { type: "boolean" } },
    argv,
  );
  return {
    processes: wholeNumber(values.processes, "processes", 2) ?? DEFAULTS.processes,
    keys: wholeNumber(values.keys, "keys", 1) ?? DEFAULTS.keys,
    seed: integer(values.seed, "seed") ?? Date.now() % 2 ** 31,
    record: values.record === true,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  const { record, ...settings } = options;
  console.log(`stampede: ${settings.processes} processes, ${settings.keys} keys, seed ${settings.seed}; replay: ${replayCommand(settings)}`);
  const report: StampedeReport = {
    ...(await runStampede(settings, (line) => console.log(`[stampede] ${line}`))),
    command: ["pnpm scenario stampede", ...argv].join(" "),
  };
  const [json, md] = await writeReportFiles(reportsDir(record), "stampede", report, { markdown: renderStampede(report), charts: [] });
  for (const r of report.rounds) console.log(`round ${r.round} ${r.kind}: ${r.computations} computations (${r.perKey.min}–${r.perKey.max} per key), ${r.seconds} s`);
  const t = report.takeover;
  console.log(`takeover over ${t.keys} keys: p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms, max ${t.maxMs} ms (bound ${report.settings.takeoverBoundMs} ms)`);
  for (const check of report.checks) {
    console.log(`  ${check.failures.length === 0 ? "ok  " : "FAIL"} ${check.name} (${check.checked} checked)`);
    for (const failure of check.failures.slice(0, 5)) console.log(`    - ${failure}`);
  }
  console.log(`${report.verdict === "passed" ? "passed" : `FAILED (seed ${settings.seed}; replay: ${report.replay})`}: report in ${relative(process.cwd(), md!)} and ${relative(process.cwd(), json!)}`);
  return report.verdict === "passed" ? 0 : 1;
}
