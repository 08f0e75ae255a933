// Campaign 1: writers SIGKILLed at a thousand points inside set, batch, sweepExpired and lazy-expiry
// deletes, several at once on one cache, some while holding LMDB's write lock. Afterwards nothing
// acknowledged is lost, no batch is torn, the cache reopens, and the writers that lived went on.
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monotonicNow } from "../shared/clock.ts";
import { atLeast, type CampaignContext, type CampaignFindings, sample, zero } from "./campaign.ts";
import { type Child, runChild, startChild } from "../shared/child.ts";
import { KILL_MODES, type KillMode, type KillWriterJob, type LastAck, PHASES, type Phase, checkWriter } from "./kill-plan.ts";
import { lockFilePath, ownerOf, WRITE_LOCK_AT } from "./lock-file.ts";
import type { Durability } from "../../lib/types.ts";
import { BOUND, KEPT, runEvictionKills, VALUE_BYTES } from "./eviction-kills.ts";
import { runMigrationKills } from "./migration-kills.ts";
import { runUpgradeKills } from "./upgrade-kills.ts";
import { seededRng } from "../shared/rng.ts";
import { countBy, quantile, round } from "../shared/stats.ts";

export type KillSettings = {
  kills: number;
  concurrency: number;
  killsPerRound: number;
  migrationKills: number;
  /** Kills inside the format upgrade of a cache of format 1. */
  upgradeKills: number;
  /** Kills of a writer that evicts on every put (eviction "lru", a 1 MiB bound). */
  evictionKills: number;
  modes?: readonly KillMode[];
  /** The writers' durability ("process", the library's default, unless given). */
  durability?: Durability;
};

type Kill = { mode: KillMode; by: "thread" | "parent"; phase: Phase; held: boolean; at: number };

type Writer = {
  ns: string;
  mode: KillMode;
  by: "thread" | "parent";
  child: Child;
  acks: number[];
  last: LastAck;
  kill?: Kill;
  openFailed?: string;
  served: string[];
  /** Write errors the writer reported and carried on from. */
  errors: string[];
  lastSign: number;
  exited: boolean;
};

/** The step a writer starts after the one it acknowledged last: what a parent's kill interrupts. */
function nextPhase(mode: KillMode, last: LastAck): Phase {
  if (mode === "set" || mode === "batch") return mode;
  const what = last?.what;
  if (what === "expired") return "set";
  if (what === "set") return mode;
  return "batch";
}

/** How many acknowledgements a parent waits for before its kill, per kind (their steps differ in length). */
const ACKS_BEFORE_KILL: Record<KillMode, [number, number]> = { set: [1, 400], batch: [1, 25], sweep: [1, 7], lazy: [1, 7] };
const STUCK_MS = 10_000;

function lockOwner(fd: number): number {
  const word = Buffer.alloc(4);
  readSync(fd, word, 0, 4, WRITE_LOCK_AT);
  return ownerOf(word.readInt32LE(0));
}

export async function runKillPoints(context: CampaignContext, settings: KillSettings): Promise<CampaignFindings> {
  const rng = seededRng(context.seed ^ 0x6b696c6c);
  const kills: Kill[] = [];
  const waits: number[] = [];
  const waitsAfterHeld: number[] = [];
  const failures: string[] = [];
  let reopenFailures = 0;
  let unexpectedExits = 0;
  let stuck = 0;
  let checked = 0;
  let spawned = 0;
  const lost: string[] = [];
  const torn: string[] = [];
  const unexpected: string[] = [];
  const indexProblems: string[] = [];
  const writeErrors: string[] = [];

  // Every round adds kills unless its writers cannot open; a bound keeps that failure from looping.
  const writerKills = settings.kills - settings.migrationKills - settings.upgradeKills - settings.evictionKills;
  for (let round = 0; kills.length < writerKills && round <= writerKills; round++) {
    const dir = mkdtempSync(join(tmpdir(), "reliability-kill-"));
    const path = join(dir, "cache");
    const writers: Writer[] = [];
    try {
      const budget = Math.min(settings.killsPerRound, writerKills - kills.length);
      let lockFd: number | undefined;
      let started = 0;
      let finished = 0;
      let done = () => {};
      const allDone = new Promise<void>((resolve) => (done = resolve));
      const spawn = () => {
        const index = spawned++;
        started++;
        const modes = settings.modes ?? KILL_MODES;
        const mode = modes[index % modes.length]!;
        const by = Math.floor(index / modes.length) % 2 === 0 ? "thread" : "parent";
        const job: KillWriterJob = { path, mode, ns: `w${index}`, seed: context.seed + index, durability: settings.durability };
        if (by === "thread") job.killAfterUs = rng.int(500, 60_000);
        const [low, high] = ACKS_BEFORE_KILL[mode];
        const killAfterAcks = rng.int(low, high);
        const writer: Writer = { ns: job.ns, mode, by, child: undefined as unknown as Child, acks: [], last: undefined, served: [], errors: [], lastSign: monotonicNow(), exited: false };
        const parentKill = () => {
          lockFd ??= openSync(lockFilePath(path), "r");
          const held = lockOwner(lockFd) === writer.child.pid;
          writer.kill = { mode, by, phase: nextPhase(mode, writer.last), held, at: monotonicNow() };
          writer.child.kill();
        };
        writer.child = startChild(context.bundles.script("kill-writer"), job, (line) => {
          const [tag, a, b, c] = line.split(" ");
          writer.lastSign = monotonicNow();
          if (tag === "a") {
            writer.acks.push(Number(c));
            writer.last = { n: Number(a), what: b! };
            if (by === "parent" && writer.kill === undefined && writer.acks.length >= killAfterAcks) parentKill();
          } else if (tag === "k") {
            writer.kill = { mode, by, phase: PHASES[Number(a)]!, held: b === "1", at: Number(c) };
          } else if (tag === "open-failed") {
            writer.openFailed = a;
          } else if (tag === "e") {
            writer.errors.push(line.slice(2));
          } else if (tag === "served-expired") {
            writer.served.push(a!);
          }
        });
        writers.push(writer);
        void writer.child.exited.then((exit) => {
          writer.exited = true;
          if (writer.openFailed !== undefined) {
            reopenFailures++;
            failures.push(`writer ${writer.ns} could not open: ${writer.openFailed}`);
          } else if (exit.signal !== "SIGKILL" || writer.kill === undefined) {
            unexpectedExits++;
            failures.push(`writer ${writer.ns} (${mode}) ended with ${exit.signal ?? `exit ${exit.exitCode}`}: ${exit.stderr.slice(-300)}`);
          } else {
            kills.push(writer.kill);
          }
          finished++;
          if (started < budget) spawn();
          else if (finished === started) done();
        });
      };
      for (let i = 0; i < Math.min(settings.concurrency, budget); i++) spawn();
      const watchdog = setInterval(() => {
        for (const writer of writers) {
          if (writer.kill === undefined && !writer.exited && monotonicNow() - writer.lastSign > STUCK_MS) {
            stuck++;
            failures.push(`writer ${writer.ns} (${writer.mode}) made no progress for ${STUCK_MS} ms`);
            writer.kill = { mode: writer.mode, by: "parent", phase: nextPhase(writer.mode, writer.last), held: false, at: monotonicNow() };
            writer.child.kill();
          }
        }
      }, 1000);
      await allDone;
      clearInterval(watchdog);
      if (lockFd !== undefined) closeSync(lockFd);

      for (const victim of writers) {
        if (victim.kill === undefined) continue;
        const at = victim.kill.at;
        for (const other of writers) {
          if (other === victim || other.acks.length === 0 || other.acks[0]! > at) continue;
          const next = other.acks.find((m) => m > at);
          if (next === undefined) continue;
          waits.push(next - at);
          if (victim.kill.held) waitsAfterHeld.push(next - at);
        }
      }

      const out = join(dir, "dump.json");
      const verify = await runChild<{ opened: boolean; code?: string; message?: string; indexProblems?: string[] }>(context.bundles.script("kill-verify"), {
        path,
        namespaces: writers.map((w) => w.ns),
        out,
        durability: settings.durability,
      });
      if (verify.result?.opened !== true) {
        reopenFailures++;
        failures.push(`reopen after round ${round} failed: ${verify.result?.code ?? verify.signal ?? verify.exitCode} ${verify.stderr.slice(-300)}`);
        continue;
      }
      indexProblems.push(...(verify.result.indexProblems ?? []).map((problem) => `after round ${round}: ${problem}`));
      const dump = JSON.parse(readFileSync(out, "utf8")) as Record<string, [string, unknown][]>;
      for (const writer of writers) {
        if (writer.openFailed !== undefined) continue;
        const check = checkWriter(writer.mode, writer.last, dump[writer.ns] ?? []);
        checked += check.checked;
        const held = dump[writer.ns] ?? [];
        lost.push(...check.lost.map((item) => `${writer.ns} (${writer.mode}, ${writer.by} kill${writer.kill?.held ? " holding the lock" : ""}, last ack ${writer.last?.n} ${writer.last?.what}, ${held.length} entries found): ${item}`));
        torn.push(...check.torn.map((item) => `${writer.ns}: ${item}`));
        unexpected.push(...check.unexpected.map((item) => `${writer.ns} (${writer.mode}): ${item}`));
        unexpected.push(...writer.served.map((key) => `${writer.ns}: get served expired ${key}`));
        writeErrors.push(...writer.errors.map((error) => `${writer.ns} (${writer.mode}): ${error}`));
      }
      context.log(`kill points: ${kills.length}/${writerKills} writer kills after round ${round + 1}`);
    } finally {
      for (const writer of writers) writer.child.kill();
      await Promise.all(writers.map((w) => w.child.exited));
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const migration = await runMigrationKills(context, settings.migrationKills);
  context.log(`kill points: ${migration.kills} kills inside migrateFromLevel, ${migration.torn.length} torn`);
  torn.push(...migration.torn);
  unexpectedExits += migration.failures.length;
  failures.push(...migration.reopenFailures, ...migration.failures);
  const upgrade = await runUpgradeKills(context, settings.upgradeKills);
  context.log(`kill points: ${upgrade.kills} kills inside the format upgrade, ${upgrade.midway} left it midway`);
  unexpectedExits += upgrade.failures.length;
  failures.push(...upgrade.reopenFailures, ...upgrade.failures);
  indexProblems.push(...upgrade.indexProblems);
  const eviction = await runEvictionKills(context, settings.evictionKills);
  context.log(`kill points: ${eviction.kills} kills of an evicting writer, ${eviction.lost.length} lost, ${eviction.torn.length} damaged`);
  unexpectedExits += eviction.failures.length;
  failures.push(...eviction.reopenFailures, ...eviction.failures);
  indexProblems.push(...eviction.indexProblems);
  sample(failures, "recency records wrong after an eviction kill", eviction.recencyProblems);
  sample(failures, "over the bound after an eviction kill", eviction.overBound);
  sample(failures, "recent write lost after an eviction kill", eviction.lost);
  sample(failures, "damaged entry after an eviction kill", eviction.torn);
  sample(failures, "entries changed by an upgrade", upgrade.changed);
  sample(failures, "expiry index mismatch", indexProblems);
  sample(failures, "lost acknowledged write", lost);
  sample(failures, "torn batch", torn);
  sample(failures, "write error in a surviving writer", writeErrors);
  sample(failures, "unexpected entry", unexpected);
  const byPhase = countBy(kills, (k) => k.phase);
  // Every kind of kill point must be hit in a campaign of a hundred kills or more; a small run may miss one.
  const spread = settings.kills >= 100 ? atLeast(1) : undefined;
  const held = kills.filter((k) => k.held);
  const ms = (value: number) => round(value, 2);
  return {
    id: settings.durability === "fsync" ? "kill-points-fsync" : "kill-points",
    title: settings.durability === "fsync" ? "Kill points, durability fsync" : "Kill points",
    figures: [
      { name: "kill points (SIGKILL of a writer)", value: kills.length + migration.kills + upgrade.kills + eviction.kills, rule: atLeast(settings.kills) },
      ...(["set", "batch", "sweep", "lazy"] as const).map((phase) => ({
        name: `kills inside ${phase === "lazy" ? "lazy-expiry deletes" : phase === "sweep" ? "sweepExpired" : phase}`,
        value: byPhase[phase] ?? 0,
        rule: spread,
      })),
      { name: "kills inside migrateFromLevel", value: migration.kills, rule: atLeast(Math.min(1, settings.migrationKills)) },
      { name: "kills inside the format upgrade", value: upgrade.kills, rule: atLeast(Math.min(1, settings.upgradeKills)) },
      { name: "upgrades the kill left midway", value: upgrade.midway, rule: settings.upgradeKills >= 20 ? atLeast(1) : undefined },
      { name: "kills of a writer evicting on every put", value: eviction.kills, rule: atLeast(settings.evictionKills) },
      { name: "eviction kills while holding the write lock (a put's or an eviction's transaction)", value: eviction.held },
      { name: "kills while holding the write lock", value: held.length + migration.held + eviction.held, rule: spread },
      { name: "acknowledged writes checked", value: checked },
      { name: `recent acknowledged writes checked after eviction kills (the last ${KEPT} each)`, value: eviction.checked },
      { name: "fewest most recent acknowledged entries all found after an eviction kill", value: eviction.kills === 0 ? 0 : eviction.fewestRecentKept },
      { name: "lost acknowledged writes", value: lost.length, rule: zero },
      { name: "lost recent writes after eviction kills (within the bound, not chosen by lru)", value: eviction.lost.length, rule: zero },
      { name: "torn batches (and migrations)", value: torn.length, rule: zero },
      { name: "damaged or foreign entries after eviction kills", value: eviction.torn.length, rule: zero },
      { name: "entries no write made, or expired entries served", value: unexpected.length, rule: zero },
      { name: "reopen failures after writer kills", value: reopenFailures, rule: zero },
      { name: "reopen failures after migration kills", value: migration.reopenFailures.length, rule: zero },
      { name: "reopen failures after upgrade kills (the next open finishes the upgrade)", value: upgrade.reopenFailures.length, rule: zero },
      { name: "entries changed by a killed upgrade", value: upgrade.changed.length, rule: zero },
      { name: "reopen failures after eviction kills", value: eviction.reopenFailures.length, rule: zero },
      { name: "recency record problems after eviction kills (access against index records, their count, stats against a walk)", value: eviction.recencyProblems.length, rule: zero },
      { name: "reopened caches over their bound after writing a quarter of a bound more", value: eviction.overBound.length, rule: zero },
      { name: "expiry index mismatches after kills (index records against entries)", value: indexProblems.length, rule: zero },
      { name: "writers that died of anything but the kill", value: unexpectedExits, rule: zero },
      { name: "write errors in writers that were not killed yet", value: writeErrors.length, rule: zero },
      { name: `writers stuck (no progress for ${STUCK_MS / 1000} s)`, value: stuck, rule: zero },
      { name: "survivor wait after a kill, p50", value: ms(quantile(waits, 0.5)), unit: "ms" },
      { name: "survivor wait after a kill, p99", value: ms(quantile(waits, 0.99)), unit: "ms" },
      { name: "survivor wait after a kill, max", value: ms(Math.max(...waits)), unit: "ms" },
      { name: "survivor wait after a lock-holding kill, p50", value: ms(quantile(waitsAfterHeld, 0.5)), unit: "ms" },
      { name: "survivor wait after a lock-holding kill, p99", value: ms(quantile(waitsAfterHeld, 0.99)), unit: "ms" },
      { name: "survivor wait after a lock-holding kill, max", value: ms(Math.max(...waitsAfterHeld)), unit: "ms" },
    ],
    tables: [
      {
        title: "Kill points by writer kind and by where the kill landed",
        columns: ["writer kind", "kills", "in set", "in batch", "in sweepExpired", "in lazy-expiry deletes", "holding the write lock", "by own thread (delay)", "by parent (ack count)"],
        rows: KILL_MODES.map((mode): (string | number)[] => {
          const mine = kills.filter((k) => k.mode === mode);
          const at = countBy(mine, (k) => k.phase);
          return [mode, mine.length, at.set ?? 0, at.batch ?? 0, at.sweep ?? 0, at.lazy ?? 0, mine.filter((k) => k.held).length, mine.filter((k) => k.by === "thread").length, mine.filter((k) => k.by === "parent").length];
        }).concat([
          ["migrate (migrateFromLevel)", migration.kills, "-", "-", "-", "-", migration.held, migration.kills, 0],
          ["upgrade (format 1 to 2 at open)", upgrade.kills, "-", "-", "-", "-", "-", upgrade.kills, 0],
          ["evict (sets past a 1 MiB bound, lru)", eviction.kills, eviction.kills, "-", "-", "-", eviction.held, eviction.byThread, eviction.kills - eviction.byThread],
        ]),
      },
    ],
    notes: [
      `Survivor wait: for each kill and each other writer of the same cache that was running, the time from the kill to that writer's next acknowledged write (${waits.length} pairs, ${waitsAfterHeld.length} after kills that held the write lock). LMDB's write lock is a robust process-shared mutex: the next writer takes it over from the dead owner.`,
      `Migration: ${migration.kills} migrations of a level-cache directory into a cache that already held entries, each SIGKILLed at a random point of a whole migration's duration; afterwards the cache held the old entries exactly ${migration.untouched} times and the migrated ones exactly ${migration.migrated} times, a mixture ${migration.torn.length} times (compared byte for byte below the library).`,
      `Upgrade: ${upgrade.kills} opens of a cache of format 1, each SIGKILLed at a random point of a whole upgrade's duration; ${upgrade.midway} left the upgrade midway (format record "upgrading"), the others before its first or after its last transaction; the entries were changed ${upgrade.changed.length} times, the next open failed to finish the upgrade ${upgrade.reopenFailures.length} times. (Whether these kills held the write lock is not sampled: the lock file cannot be open in the process before the cache is.)`,
      `Eviction: ${eviction.kills} writers of new ${VALUE_BYTES}-byte values into a cache bounded by ${BOUND / 1024 / 1024} MiB with eviction "lru", each SIGKILLed after writing at least one and a half bounds (so while every put waits for an eviction): alternately by a thread of its own at a random delay up to 300 ms, or by the parent after a random number of acknowledged writes. ${eviction.held} kills held the write lock (inside a put's or an eviction's transaction; which of the two is not sampled). Afterwards the last ${KEPT} acknowledged entries (a quarter of the bound; the low-water mark keeps more, docs/reliability.md) were looked for (${eviction.checked} in all), every entry left was read whole, the recency records were checked one for one, and the reopened cache wrote a quarter of a bound more within its bound.`,
      "Whether a kill held the write lock is read from the lock file's write mutex (its owner's thread id) in the microseconds before the SIGKILL.",
    ],
    failures,
  };
}
