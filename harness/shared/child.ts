// Every child process of the harness starts here: scenario clients, bench workers and campaign workers.
// A child gets its job in its arguments and talks back over IPC messages (both ways), stdout lines, or
// both. Lines are for children that may be SIGKILLed at any moment: a line printed to a pipe is written
// synchronously, so what a child printed before its kill still reaches the parent, where an IPC message
// still queued in the child would be lost with it.
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { monotonicNow } from "./clock.ts";

/** The repository root: children run from there so that tsx and the packages resolve as in development. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The end of a child's stderr kept for reports and errors. */
const STDERR_KEPT = 2000;

export type Exit = {
  exitCode: number | undefined;
  signal: string | undefined;
  stderr: string;
  /** CLOCK_MONOTONIC when the process ended (before its last messages were handled). */
  endedAt: number;
};

export type ChildOptions<Message> = {
  /** Run a TypeScript script through tsx; a bundled .mjs starts in about a third of the time without it. */
  tsx?: boolean;
  /** Open the IPC channel: `send`, `next`, and `onMessage` when given. */
  ipc?: boolean;
  /** Each IPC message as it arrives; without it, messages wait in a queue for `next`. */
  onMessage?: (message: Message) => void;
  /** Each line the child prints on stdout; without it, stdout is ignored (or shown, with `showStdout`). */
  onLine?: (line: string) => void;
  showStdout?: boolean;
  env?: Record<string, string>;
  /** Flags for node itself, before the script (`--expose-gc`, say). */
  nodeArgs?: readonly string[];
};

type Waiter<Message> = { types: readonly string[]; resolve: (message: Message) => void; reject: (error: Error) => void };

export class Child<Message extends { type: string } = { type: string }> {
  readonly pid: number;
  /** Resolves when the process has ended, however it ended, and every message and line it sent was handled. */
  readonly exited: Promise<Exit>;
  private readonly process: ReturnType<typeof spawn>;
  private readonly queue: Message[] = [];
  private readonly waiters: Waiter<Message>[] = [];
  private ended: Error | undefined;

  constructor(
    private readonly script: string,
    args: readonly string[],
    options: ChildOptions<Message> = {},
  ) {
    this.process = spawn(script, args, options);
    this.pid = this.process.pid!;
    const messages = options.ipc ? this.receive(options.onMessage) : Promise.resolve();
    const lines = options.onLine === undefined ? Promise.resolve() : this.readLines(options.onLine);
    this.exited = this.process.then(async (result) => {
      const endedAt = monotonicNow();
      await Promise.all([messages, lines]);
      const exit: Exit = {
        exitCode: typeof result.exitCode === "number" ? result.exitCode : undefined,
        signal: result.signal ?? undefined,
        stderr: String(result.stderr ?? "").slice(-STDERR_KEPT),
        endedAt,
      };
      this.ended = exitError(this.script, exit);
      for (const waiter of this.waiters.splice(0)) waiter.reject(this.ended);
      return exit;
    });
  }

  private async receive(onMessage: ((message: Message) => void) | undefined): Promise<void> {
    try {
      for await (const message of this.process.getEachMessage!()) {
        if (onMessage === undefined) this.deliver(message as Message);
        else onMessage(message as Message);
      }
    } catch {
      // The channel broke because the process died: its exit says how.
    }
  }

  private readLines(onLine: (line: string) => void): Promise<void> {
    let rest = "";
    this.process.stdout!.on("data", (chunk: Buffer) => {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop()!;
      for (const line of lines) onLine(line);
    });
    return new Promise((resolve) =>
      this.process.stdout!.once("close", () => {
        if (rest) onLine(rest);
        resolve();
      }),
    );
  }

  private deliver(message: Message): void {
    const waiter = this.waiters.find((w) => w.types.includes(message.type));
    if (waiter === undefined) {
      this.queue.push(message);
      return;
    }
    this.waiters.splice(this.waiters.indexOf(waiter), 1);
    waiter.resolve(message);
  }

  /** The next message of one of these types (queued or to come); rejects if the child ends first. */
  next<K extends Message["type"]>(...types: K[]): Promise<Extract<Message, { type: K }>> {
    const index = this.queue.findIndex((m) => (types as string[]).includes(m.type));
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0] as Extract<Message, { type: K }>);
    if (this.ended !== undefined) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiters.push({ types, resolve: resolve as (m: Message) => void, reject });
    });
  }

  async send(message: unknown): Promise<void> {
    await this.process.sendMessage!(message as never);
  }

  /** Waits for the child to end; rejects with its stderr unless it exited with status 0. */
  async done(): Promise<void> {
    const exit = await this.exited;
    if (exit.exitCode !== 0) throw exitError(this.script, exit);
  }

  /** SIGKILLs the child if it is still running. */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill("SIGKILL");
  }
}

function spawn(script: string, args: readonly string[], options: ChildOptions<never>) {
  return execa(process.execPath, [...(options.nodeArgs ?? []), ...(options.tsx ? ["--import", "tsx"] : []), script, ...args], {
    cwd: REPO_ROOT,
    env: options.env ?? {},
    ipc: options.ipc === true,
    serialization: "json",
    reject: false,
    stdin: "ignore",
    stdout: options.onLine !== undefined ? "pipe" : options.showStdout ? "inherit" : "ignore",
    stderr: "pipe",
    buffer: { stdout: false, stderr: true },
  });
}

function exitError(script: string, exit: Exit): Error {
  const how = exit.signal ?? `exit code ${exit.exitCode}`;
  return new Error(exit.stderr.trim() || `${script} ended (${how})`);
}

/**
 * Runs a child that reports on stdout to its end and returns the JSON document it printed last, if any.
 * With `timeoutMs`, a child still running after that long is SIGKILLed and `timedOut` is set; `env`
 * adds to (or, with empty values, clears) the environment it inherits.
 */
export async function runChild<R>(
  script: string,
  job: unknown,
  options: { timeoutMs?: number; env?: Record<string, string>; tsx?: boolean } = {},
): Promise<Exit & { result: R | undefined; timedOut: boolean }> {
  let last: string | undefined;
  const child = new Child(script, [JSON.stringify(job)], {
    env: options.env,
    tsx: options.tsx,
    onLine: (line) => {
      if (line.startsWith("{")) last = line;
    },
  });
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
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

/** Starts a child that reports on stdout, calling `onLine` for each line it prints. */
export function startChild(script: string, job: unknown, onLine: (line: string) => void = () => {}): Child {
  return new Child(script, [JSON.stringify(job)], { onLine });
}
