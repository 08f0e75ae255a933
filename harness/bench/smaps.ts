import { readFileSync } from "node:fs";
import { basename } from "node:path";

// What a process's resident memory is made of, mapping by mapping, as /proc/<pid>/smaps and
// smaps_rollup count it. For a cache on LMDB the question is which part is the data file's memory
// map (its pages are the page cache, shared by every process that maps the file and reclaimable)
// and which part is the process's own anonymous memory, where anything kept without bound would show.

/** Where resident pages live: the cache's two files, the engine's addon, node itself, anonymous memory, any other file. */
export const MAPPING_KINDS = ["data.mdb", "lock.mdb", "engine addon", "node binary", "anonymous", "other files"] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];

/** One kind of mapping's pages (bytes): resident, proportional share, anonymous, and dirty (shared or private). */
export type MappingUsage = { rssBytes: number; pssBytes: number; anonymousBytes: number; dirtyBytes: number };
export type MappingSummary = Record<MappingKind, MappingUsage>;

/** The rollup of every mapping: resident, proportional share (shared pages divided among their mappers), anonymous. */
export type Rollup = { rssBytes: number; pssBytes: number; anonymousBytes: number };

const HEADER = /^[0-9a-f]+-[0-9a-f]+\s+\S+\s+\S+\s+\S+\s+\d+\s*(.*)$/;
const FIELD = /^(\w+):\s+(\d+) kB$/;

export function mappingKind(path: string, execPath: string): MappingKind {
  if (path === "" || path.startsWith("[")) return "anonymous";
  const name = basename(path.replace(/ \(deleted\)$/, ""));
  if (name === "data.mdb" || name === "lock.mdb") return name;
  if (name.endsWith(".node")) return "engine addon";
  if (path === execPath) return "node binary";
  return "other files";
}

function emptySummary(): MappingSummary {
  const zero = (): MappingUsage => ({ rssBytes: 0, pssBytes: 0, anonymousBytes: 0, dirtyBytes: 0 });
  return Object.fromEntries(MAPPING_KINDS.map((kind) => [kind, zero()])) as MappingSummary;
}

/** Sums the text of a /proc/<pid>/smaps by kind of mapping. */
export function summariseSmaps(text: string, execPath: string): MappingSummary {
  const summary = emptySummary();
  let current: MappingUsage | undefined;
  for (const line of text.split("\n")) {
    const header = HEADER.exec(line);
    if (header) {
      current = summary[mappingKind(header[1]!.trim(), execPath)];
      continue;
    }
    const field = FIELD.exec(line);
    if (!field || !current) continue;
    const bytes = Number(field[2]) * 1024;
    if (field[1] === "Rss") current.rssBytes += bytes;
    else if (field[1] === "Pss") current.pssBytes += bytes;
    else if (field[1] === "Anonymous") current.anonymousBytes += bytes;
    else if (field[1] === "Shared_Dirty" || field[1] === "Private_Dirty") current.dirtyBytes += bytes;
  }
  return summary;
}

/** The fields of a /proc/<pid>/smaps_rollup text. */
export function parseRollup(text: string): Rollup {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
  return { rssBytes: field("Rss"), pssBytes: field("Pss"), anonymousBytes: field("Anonymous") };
}

export function readRollup(pid: number | "self" = "self"): Rollup {
  return parseRollup(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
}

/** Walks every mapping (a few milliseconds with a large map resident): sample it less often than the rollup. */
export function readMappings(pid: number | "self" = "self"): MappingSummary {
  return summariseSmaps(readFileSync(`/proc/${pid}/smaps`, "utf8"), process.execPath);
}
