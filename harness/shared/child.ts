// Worker processes of the campaigns: started with a JSON job, they talk back in lines on stdout.
import { execa } from "execa";

export type Exit = { exitCode: number | undefined; signal: string | undefined; stderr: string };

export type Child = {
  pid: number;
  /** Resolves when the process has ended, however it ended. */
  exited: Promise<Exit>;
  kill: () => void;
};

/** Starts `node script <job>`, calling `onLine` for each line it prints. */
export function startChild(script: string, job: unknown, onLine: (line: string) => void = () => {}): Child {
  const child = execa(process.execPath, [script, JSON.stringify(job)], {
    reject: false,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    buffer: { stdout: false, stderr: true },
  });
  let rest = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString("utf8")).split("\n");
    rest = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  const exited = child.then((result) => {
    if (rest) onLine(rest);
    return {
      exitCode: typeof result.exitCode === "number" ? result.exitCode : undefined,
      signal: result.signal ?? undefined,
      stderr: String(result.stderr ?? "").slice(-2000),
    };
  });
  return { pid: child.pid!, exited, kill: () => void child.kill("SIGKILL") };
}

/**
 * Runs a worker to its end and returns the JSON document it printed last, if any. With `timeoutMs`,
 * a worker still running after that long is SIGKILLed and `timedOut` is set.
 */
export async function runChild<R>(script: string, job: unknown, options: { timeoutMs?: number } = {}): Promise<Exit & { result: R | undefined; timedOut: boolean }> {
  let last: string | undefined;
  const child = startChild(script, job, (line) => {
    if (line.startsWith("{")) last = line;
  });
  let timedOut = false;
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    child.kill();
  }, options.timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  let result: R | undefined;
  try {
    result = last === undefined ? undefined : (JSON.parse(last) as R);
  } catch {
    result = undefined;
  }
  return { ...exit, result, timedOut };
}
