import type { Backend } from "./backends.ts";
import type { CellFigures, MultiProcessProbe } from "./cells.ts";
import type { DiskUsage } from "./disk.ts";
import type { GitInfo, MachineInfo } from "./machine.ts";
import type { BenchSettings } from "./settings.ts";
import type { StampedeResult } from "./stampede.ts";
import type { WorkloadId } from "./workloads.ts";

// The JSON a benchmark run writes: the raw figures of every repetition, with everything needed to
// judge and redo them. Markdown and SVG are rendered from this alone.

export type Provenance = {
  startedAt: string;
  finishedAt: string;
  /** The machine as the run started; the load average again as it finished (others share it). */
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  versions: Record<string, string>;
  git: GitInfo;
};

export type BackendEntry = Pick<Backend, "id" | "kind" | "description"> & { multiProcess: MultiProcessProbe };

export type DataSetEntry = { size: number; templates: { backend: string; seedMs: number; disk: DiskUsage }[] };

export type CellKey = { workload: WorkloadId; size: number; processes: number; backend: string };

/** A repetition whose processes failed (an engine error, a failed check): the cell then yields no ratio. */
export type CellFailure = { rep: number; error: string };

export type CellEntry = CellKey &
  ({ status: "measured"; reps: CellFigures[]; failures: CellFailure[] } | { status: "unsupported"; codes: string[] });

/** One fresh process, from its start to its first get resolved; times since the process started. */
export type ColdStartSample = {
  /** Node's own start-up, until the measuring script's first line. */
  bootMs: number;
  /** The `import()` of the entry point alone. */
  importMs: number;
  openMs: number;
  getMs: number;
  /** Process start to the first get resolved: everything above. */
  firstGetMs: number;
};

export type ColdStartSide = {
  backend: string;
  /** What the processes imported, as it resolved. */
  entry: string;
  samples: ColdStartSample[];
  /** A failed sample (an import that failed, a wrong value read) ends that side's measurement. */
  failures: CellFailure[];
};

export type ColdStartResult = {
  size: number;
  key: string;
  /** Samples per side run first and discarded: they bring the files into the page cache. */
  warmups: number;
  sides: ColdStartSide[];
};

export type BenchReport = Provenance & {
  kind: "bench";
  settings: BenchSettings;
  backends: BackendEntry[];
  datasets: DataSetEntry[];
  cells: CellEntry[];
  /** Absent from reports written before cold start was measured. */
  coldStart?: ColdStartResult;
  /** Absent when the run measured no getOrSet (the gate), and from reports written before it was. */
  stampede?: StampedeResult;
};
