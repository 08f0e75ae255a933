import { cp, rm } from "node:fs/promises";
import { basename, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { execa } from "execa";
import { bundleScripts } from "../shared/bundle.ts";
import { backendById } from "./backends.ts";
import { tempDir, type Template } from "./cells.ts";
import { keyOf, valueOf } from "./dataset.ts";
import { failureSummary } from "./failure-summary.ts";
import type { ColdStartResult, ColdStartSample, ColdStartSide } from "./results.ts";
import { REPO_ROOT, runChild } from "../shared/child.ts";

// Cold start: a new process, until its first get has resolved, import of the library included.
// Every sample is a fresh plain `node` process running fixtures/cold-start.mjs, so both sides pay
// node's start-up and load plain JavaScript the way users' processes do; the sides take turns.

const FIXTURE = fileURLToPath(new URL("./fixtures/cold-start.mjs", import.meta.url));

/** Samples per side run first and discarded: what is measured is a new process, not a cold disk. */
const WARMUPS = 1;

/** A process that has not got its value by then is stuck, not slow. */
const SAMPLE_TIMEOUT_MS = 60_000;

type Log = (line: string) => void;

type Fixture = { specifier: string; opener: string; dir: string; key: string };

type Reading = { sample: ColdStartSample; resolved: string; value: unknown };

/** One fresh process: its timings, what its import resolved to and the value it read. */
async function sampleOnce(fixture: Fixture): Promise<Reading> {
  const run = await runChild<ColdStartSample & { resolved: string; value: unknown }>(FIXTURE, fixture, {
    timeoutMs: SAMPLE_TIMEOUT_MS,
    // Plain node: no loader or flag inherited from whatever started the benchmark.
    env: { NODE_OPTIONS: "" },
  });
  if (run.exitCode !== 0 || run.timedOut || run.result === undefined) {
    throw new Error(`${run.timedOut ? "timed out" : `exited with ${run.exitCode ?? run.signal}`}\n${run.stderr}`);
  }
  const { resolved, value, ...sample } = run.result;
  return { sample, resolved, value };
}

/** A resolved entry point as the report shows it: relative to the repository when inside it. */
function shownEntry(resolved: string): string {
  const path = resolved.startsWith("file:") ? fileURLToPath(resolved) : resolved;
  const inRepo = relative(REPO_ROOT, path);
  return inRepo.startsWith("..") ? path : inRepo;
}

/** `pnpm build`, so the package entry point measured is the code of this commit. */
async function buildPackage(log: Log): Promise<void> {
  const started = performance.now();
  await execa("pnpm", ["run", "--silent", "build"], { cwd: REPO_ROOT });
  log(`cold start: built the package in ${(performance.now() - started).toFixed(0)} ms`);
}

type Contender = { side: ColdStartSide; fixture: Fixture; namedByResolution: boolean; dispose: () => Promise<void> };

/** A side ready to sample: its own copy of the data, and a plain-JavaScript entry point to import. */
async function prepare(template: Template, key: string, built: Error | undefined): Promise<Contender> {
  const entry = backendById(template.backend).coldStart;
  if (entry === undefined) throw new Error(`${template.backend} has no cold-start entry point`);
  const side: ColdStartSide = { backend: template.backend, entry: "", samples: [], failures: [] };
  const dir = await tempDir(`${template.backend}-cold-start`);
  let disposeBundle = () => {};
  const dispose = async () => {
    disposeBundle();
    await rm(dir, { recursive: true, force: true });
  };
  const fixture: Fixture = { specifier: "", opener: entry.opener, dir, key };
  const namedByResolution = "specifier" in entry;
  try {
    await cp(template.dir, dir, { recursive: true });
    if ("source" in entry) {
      const bundle = await bundleScripts([entry.source], "bench-cold-start");
      disposeBundle = bundle.dispose;
      fixture.specifier = pathToFileURL(`${bundle.dir}/${basename(entry.source, ".ts")}.mjs`).href;
      side.entry = `${relative(REPO_ROOT, entry.source)}, bundled to plain JavaScript by esbuild (native packages external)`;
    } else {
      if (built) throw built;
      fixture.specifier = entry.specifier;
      side.entry = entry.specifier;
    }
  } catch (error) {
    side.failures.push({ rep: 0, error: `preparing: ${failureSummary(error)}` });
  }
  return { side, fixture, namedByResolution, dispose };
}

/**
 * Cold start of each template's backend over its data, the backends taking turns (A B A B ...)
 * for `samples` rounds after the warm-up; each sample checks the value read before it counts.
 */
export async function runColdStart(templates: readonly Template[], samples: number, log: Log): Promise<ColdStartResult> {
  const { size, seed } = templates[0]!;
  const index = Math.floor(size / 2);
  const key = keyOf(index);
  const expected = valueOf(seed, index);
  const started = performance.now();
  const built = await buildPackage(log).then(
    () => undefined,
    (error: unknown) => new Error(`pnpm build failed: ${failureSummary(error)}`),
  );
  const contenders: Contender[] = [];
  try {
    for (const template of templates) contenders.push(await prepare(template, key, built));
    for (let round = -WARMUPS; round < samples; round++) {
      for (const { side, fixture, namedByResolution } of contenders) {
        if (side.failures.length > 0) continue;
        try {
          const reading = await sampleOnce(fixture);
          if (!isDeepStrictEqual(reading.value, expected)) {
            throw new Error(`read ${JSON.stringify(reading.value)?.slice(0, 120)} for ${key}, not the value seeded`);
          }
          if (namedByResolution) {
            side.entry = reading.resolved === fixture.specifier ? shownEntry(reading.resolved) : `${fixture.specifier} → ${shownEntry(reading.resolved)}`;
          }
          if (round < 0) continue;
          side.samples.push(reading.sample);
          const s = reading.sample;
          log(`cold start ${side.backend.padEnd(13)} ${round + 1}/${samples}: first get at ${s.firstGetMs.toFixed(1)} ms (import ${s.importMs.toFixed(1)} ms)`);
        } catch (error) {
          // Recorded, and the side stops: its other samples could only repeat the failure.
          side.failures.push({ rep: Math.max(round, 0), error: failureSummary(error) });
          log(`cold start ${side.backend} ${round < 0 ? "warm-up" : `sample ${round + 1}`}: FAILED ${failureSummary(error)}`);
        }
      }
    }
  } finally {
    for (const contender of contenders) await contender.dispose();
  }
  log(`cold start: ${samples} samples per side in ${((performance.now() - started) / 1000).toFixed(1)} s, the build included`);
  return { size, key, warmups: WARMUPS, sides: contenders.map((c) => c.side) };
}
