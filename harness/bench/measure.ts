import { backendById, removeData } from "./backends.ts";
import { startRedisServer } from "../shared/redis-server.ts";
import { REDIS_URL_ENV } from "./redis-store.ts";
import { type CellFigures, probeMultiProcess, runCell, seedTemplate, type Template } from "./cells.ts";
import { runColdStart } from "./cold-start.ts";
import { failureSummary } from "./failure-summary.ts";
import { startProvenance } from "./machine.ts";
import type { BackendEntry, BenchReport, CellEntry, ColdStartResult, DataSetEntry } from "./results.ts";
import type { StampedeResult } from "./stampede.ts";
import type { BenchSettings } from "./settings.ts";
import { measureStampede } from "./stampede.ts";
import { GET_OR_SET, WORKLOADS } from "./workloads.ts";

export type Log = (line: string) => void;

function cellLine(entry: CellEntry, rep: number, figures: CellFigures): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  return (
    `${entry.workload.padEnd(13)} n=${String(entry.size).padEnd(6)} p=${entry.processes} ${entry.backend.padEnd(13)} rep ${rep + 1}: ` +
    `${Math.round(figures.aggregateOpsPerSec).toLocaleString("en")} ops/s, p99 ${figures.p99Ms.toFixed(3)} ms, ` +
    `rss ${mb(figures.peakRssBytes)} MB (anon ${mb(figures.peakRssAnonBytes)}, file ${mb(figures.peakRssFileBytes)}), open ${figures.openMs.toFixed(1)} ms`
  );
}

/**
 * The whole matrix: for each data set, each workload and process count, the backends take turns
 * (A B C D, A B C D, ...) for every repetition, each in fresh processes over a fresh copy of the data.
 * Cold start is measured once, on the first data set, before its cells; the stampede once, last.
 */
export async function measure(settings: BenchSettings, log: Log): Promise<BenchReport> {
  const provenance = await startProvenance();
  const backends: BackendEntry[] = [];
  const datasets: DataSetEntry[] = [];
  const cells: CellEntry[] = [];
  const templates: Template[] = [];
  let coldStart: ColdStartResult | undefined;
  let stampede: StampedeResult | undefined;
  // A server-backed backend's server, for the whole run; its workers find it in their environment.
  const redis = settings.backends.some((id) => backendById(id).kind === "server") ? await startRedisServer() : undefined;
  if (redis !== undefined) process.env[REDIS_URL_ENV] = redis.url;
  try {
    for (const size of settings.sizes) {
      const seeded: Template[] = [];
      for (const id of settings.backends) {
        const template = await seedTemplate(id, size, settings.seed);
        templates.push(template);
        seeded.push(template);
        log(`seeded ${size} entries for ${id} in ${template.seedMs.toFixed(0)} ms, ${template.disk.allocatedBytes} bytes on disk`);
        if (backends.length < settings.backends.length) {
          const { kind, description } = backendById(id);
          const multiProcess = await probeMultiProcess(template);
          log(`${id}: a second process ${multiProcess.supported ? "can" : `cannot (${multiProcess.codes.join(" / ")})`} open it`);
          backends.push({ id, kind, description, multiProcess });
        }
      }
      datasets.push({ size, templates: seeded.map((t) => ({ backend: t.backend, seedMs: t.seedMs, disk: t.disk })) });
      if (size === settings.sizes[0] && settings.coldStartSamples > 0) {
        const sides = [settings.candidate, settings.reference].map((backend) => seeded.find((t) => t.backend === backend)!);
        coldStart = await runColdStart(sides, settings.coldStartSamples, log);
      }
      for (const workload of settings.workloads) {
        const counts = WORKLOADS[workload].fixedWork ? [1] : settings.processCounts;
        for (const processes of counts) {
          const row = settings.backends.map((backend): CellEntry => {
            const probe = backends.find((b) => b.id === backend)!.multiProcess;
            return processes > 1 && !probe.supported
              ? { workload, size, processes, backend, status: "unsupported", codes: probe.codes }
              : { workload, size, processes, backend, status: "measured", reps: [], failures: [] };
          });
          // getOrSet on a hit takes its turn right after the candidate's get in each repetition, to be judged against it.
          if (settings.getOrSet && workload === "get" && processes === 1) {
            const after = row.findIndex((entry) => entry.backend === settings.candidate) + 1;
            row.splice(after, 0, { workload: GET_OR_SET, size, processes, backend: settings.candidate, status: "measured", reps: [], failures: [] });
          }
          cells.push(...row);
          for (let rep = 0; rep < settings.repetitions; rep++) {
            for (const entry of row) {
              if (entry.status !== "measured") continue;
              const template = seeded.find((t) => t.backend === entry.backend)!;
              try {
                const figures = await runCell({ backend: entry.backend, workload: entry.workload, processes, durationMs: settings.durationMs, template });
                entry.reps.push(figures);
                log(cellLine(entry, rep, figures));
              } catch (error) {
                // Recorded and reported, not fatal: the rest of the matrix still says something.
                entry.failures.push({ rep, error: failureSummary(error) });
                log(`${entry.workload} n=${size} p=${processes} ${entry.backend} rep ${rep + 1}: FAILED ${failureSummary(error)}`);
              }
            }
          }
        }
      }
    }
    if (settings.getOrSet) stampede = await measureStampede(settings.candidate, settings.repetitions, settings.seed, log);
  } finally {
    for (const template of templates) await removeData(template.backend, template.dir);
    await redis?.stop();
  }
  return {
    kind: "bench",
    ...provenance(),
    settings,
    backends,
    datasets,
    cells,
    ...(coldStart ? { coldStart } : {}),
    ...(stampede ? { stampede } : {}),
  };
}
