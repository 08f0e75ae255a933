import { readFileSync } from "node:fs";
import { threadId } from "node:worker_threads";

/** Who holds a claim: a process (its pid and start time, so a reused pid is told apart) and a thread of it. */
export type Owner = Readonly<{ pid: number; start: number; thread: number }>;

/**
 * A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or 0 where there
 * is no /proc: then a reused pid passes for its dead predecessor until the claim's lease ends.
 */
export function processStart(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : 0;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[19]);
}

let self: Owner | undefined;

export function thisOwner(): Owner {
  self ??= { pid: process.pid, start: processStart(process.pid) ?? 0, thread: threadId };
  return self;
}

/**
 * Whether the owner's process is certainly gone: no process has its pid, or the one that has it
 * started at another time. A process of another user (EPERM) counts as alive. Threads of a living
 * process are not told apart: a claim of a thread that ended holds until its lease does.
 */
export function isGone(owner: Owner): boolean {
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
  }
  const start = processStart(owner.pid);
  if (start === undefined) return true;
  return start !== 0 && owner.start !== 0 && start !== owner.start;
}
