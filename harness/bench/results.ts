import type { Backend } from "./backends.ts";
import type { CellFigures, MultiProcessProbe } from "./cells.ts";
import type { DiskUsage } from "./disk.ts";
import type { GitInfo, MachineInfo } from "./machine.ts";
import type { BenchSettings } from "./settings.ts";
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

export type BenchReport = Provenance & {
  kind: "bench";
  settings: BenchSettings;
  backends: BackendEntry[];
  datasets: DataSetEntry[];
  cells: CellEntry[];
};
