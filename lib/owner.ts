import { readFileSync } from "node:fs";
import { threadId } from "node:worker_threads";

/** Who holds a claim: a process (its pid and start time, so a reused pid is told apart) and a thread of it. */
export type Owner = Readonly<{ pid: number; start: number; thread: number }>;

/** What /proc tells of a process: whether it has died (a zombie its parent has not reaped is dead), and its start time. */
type ProcessInfo = { dead: boolean; start: number };

/**
 * The process's state and start time in clock ticks since boot (fields 3 and 22 of /proc/<pid>/stat);
 * undefined when there is no such process. Where there is no /proc, start is 0: then a reused pid
 * passes for its dead predecessor until the claim's lease ends.
 */
export function processInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : { dead: false, start: 0 };
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  return { dead: state === "Z" || state === "X", start: Number(fields[19]) };
}

let self: Owner | undefined;

export function thisOwner(): Owner {
  self ??= { pid: process.pid, start: processInfo(process.pid)?.start ?? 0, thread: threadId };
  return self;
}

/**
 * Whether the owner's process is certainly gone: no process has its pid, the one that has it
 * started at another time, or it died and waits for its parent to reap it (a zombie). A process of
 * another user (EPERM) counts as alive. Threads of a living process are not told apart: a claim of a
 * thread that ended holds until its lease does.
 */
export function isGone(owner: Owner): boolean {
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
  }
  const info = processInfo(owner.pid);
  if (info === undefined || info.dead) return true;
  return info.start !== 0 && owner.start !== 0 && info.start !== owner.start;
}
